#include "storage/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace roomkeys::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "roomkeys-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace roomkeys::testing

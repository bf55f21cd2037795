// Database URLs (the --database flag, the config file, the import's source): parsed or refused,
// never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/database_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  auto parsed = roomkeys::parse_database_url(url);
  (void)parsed;
  return 0;
}

// A fresh directory under $TMPDIR, removed with everything in it when the object goes.
#pragma once

#include <string>

namespace roomkeys::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace roomkeys::testing

// A fresh, empty database for one test, on either backend, removed afterwards.
// MariaDB databases live on the throw-away server that the CTest fixture "mariadb" starts;
// its base URL comes in ROOMKEYS_TEST_MARIADB_URL ("mysql://USER:PASSWORD@HOST:PORT/").
#pragma once

#include <ostream>
#include <string>

#include "storage/temp_dir.h"

namespace roomkeys::testing {

enum class TestBackend { kSqlite, kMariadb };

std::string backend_name(TestBackend backend);
inline std::ostream& operator<<(std::ostream& os, TestBackend b) { return os << backend_name(b); }

class TestDatabase {
 public:
  explicit TestDatabase(TestBackend backend);  // throws when MariaDB is not reachable
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }  // for --database / RepositoryOptions

 private:
  TestBackend backend_;
  TempDir dir_;
  std::string name_;
  std::string url_;
};

// The base URL of the test MariaDB server; throws with a clear message when unset.
std::string mariadb_base_url();

}  // namespace roomkeys::testing

// Runs a value-parameterised suite once per backend: Sqlite/Suite.Test and Mariadb/Suite.Test.
#define ROOMKEYS_ON_BOTH_BACKENDS(Suite)                             \
  INSTANTIATE_TEST_SUITE_P(                                          \
      Db, Suite,                                                     \
      ::testing::Values(::roomkeys::testing::TestBackend::kSqlite,   \
                        ::roomkeys::testing::TestBackend::kMariadb), \
      [](const auto& info) { return ::roomkeys::testing::backend_name(info.param); })

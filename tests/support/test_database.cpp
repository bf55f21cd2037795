#include "support/test_database.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "storage/database_url.h"
#include "storage/soci_session.h"

namespace roomkeys::testing {
namespace {

std::string unique_database_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return "rk_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(random() % 1000000);
}

// A SOCI session on the test server, in a database every user may enter.
std::unique_ptr<soci::session> admin_session() {
  auto url = parse_database_url(mariadb_base_url() + "information_schema");
  if (!url.is_ok()) throw std::runtime_error("bad ROOMKEYS_TEST_MARIADB_URL");
  return open_soci_session(url.value());
}

}  // namespace

std::string backend_name(TestBackend backend) {
  return backend == TestBackend::kSqlite ? "Sqlite" : "Mariadb";
}

std::string mariadb_base_url() {
  const char* url = std::getenv("ROOMKEYS_TEST_MARIADB_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "ROOMKEYS_TEST_MARIADB_URL is not set: run the tests through ctest, whose fixture "
        "starts the test MariaDB server (scripts/test.sh does)");
  }
  return url;
}

TestDatabase::TestDatabase(TestBackend backend) : backend_(backend) {
  if (backend_ == TestBackend::kSqlite) {
    url_ = "sqlite:" + dir_.file("roomkeys.db");
    return;
  }
  name_ = unique_database_name();
  *admin_session() << "CREATE DATABASE " + name_;
  url_ = mariadb_base_url() + name_;
}

TestDatabase::~TestDatabase() {
  if (backend_ != TestBackend::kMariadb) return;
  try {
    *admin_session() << "DROP DATABASE IF EXISTS " + name_;
  } catch (const std::exception&) {
    // The server may be gone already (outage tests); its data directory is removed anyway.
  }
}

}  // namespace roomkeys::testing

// The SOCI repository on real SQLite files: opening, migrations, failures.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fstream>

#include "storage/soci_repository.h"
#include "storage/temp_dir.h"

namespace roomkeys {
namespace {

using testing::TempDir;

std::unique_ptr<Repository> open(const std::string& url) {
  RepositoryOptions options;
  options.database_url = url;
  options.pool_size = 2;
  auto repository = open_soci_repository(options);
  EXPECT_TRUE(repository.is_ok()) << repository.status().message();
  return repository.is_ok() ? std::move(repository.value()) : nullptr;
}

TEST(SqliteRepository, MigrationsAreRecordedAndRunOnce) {
  TempDir dir;
  const std::string path = dir.file("keys.db");
  for (int run = 0; run < 2; ++run) {
    auto repository = open("sqlite:" + path);
    ASSERT_TRUE(repository);
    ASSERT_TRUE(repository->migrate().is_ok());
    ASSERT_TRUE(repository->health().is_ok());
  }
  soci::session sql(soci::sqlite3, "db=" + path);
  int rows = 0, version = 0;
  sql << "SELECT COUNT(*), MAX(version) FROM rk_schema_version", soci::into(rows),
      soci::into(version);
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(version, 1);
  std::string journal;
  sql << "PRAGMA journal_mode", soci::into(journal);
  EXPECT_EQ(journal, "wal");
}

TEST(SqliteRepository, AcceptsTheSlashSlashForm) {
  TempDir dir;
  auto repository = open("sqlite://" + dir.file("k.db"));
  ASSERT_TRUE(repository);
  EXPECT_TRUE(repository->migrate().is_ok());
}

TEST(SqliteRepository, RejectsUnsupportedUrls) {
  RepositoryOptions options;
  for (const char* url : {"postgres://x", "sqlite:", "roomkeys.db"}) {
    options.database_url = url;
    auto repository = open_soci_repository(options);
    ASSERT_FALSE(repository.is_ok()) << url;
    EXPECT_EQ(repository.status().code(), Status::Code::kInvalidArgument) << url;
  }
}

TEST(SqliteRepository, UnusableFileIsUnavailable) {
  RepositoryOptions options;
  options.database_url = "sqlite:/nonexistent-dir/keys.db";
  auto repository = open_soci_repository(options);
  ASSERT_FALSE(repository.is_ok());
  EXPECT_EQ(repository.status().code(), Status::Code::kUnavailable);
}

TEST(SqliteRepository, NotADatabaseFailsMigrationCleanly) {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');
  RepositoryOptions options;
  options.database_url = "sqlite:" + path;
  auto repository = open_soci_repository(options);
  if (repository.is_ok()) {
    EXPECT_FALSE(repository.value()->migrate().is_ok());
  } else {
    EXPECT_EQ(repository.status().code(), Status::Code::kUnavailable);
  }
}

TEST(SqliteRepository, FailedWorkIsRolledBack) {
  TempDir dir;
  auto repository = open("sqlite:" + dir.file("k.db"));
  ASSERT_TRUE(repository->migrate().is_ok());
  Status failed = repository->run(Repository::Mode::kWrite, [](Transaction& tx) {
    tx.lock_user("@a:x");
    BackupVersion v;
    v.version = tx.allocate_version_id("@a:x");
    v.algorithm = "alg";
    v.auth_data = "{}";
    tx.insert_version("@a:x", v);
    return Status::error(Status::Code::kBadJson, "changed my mind");
  });
  EXPECT_EQ(failed.code(), Status::Code::kBadJson);
  repository->run(Repository::Mode::kRead, [](Transaction& tx) {
    EXPECT_FALSE(tx.current_version("@a:x"));
    EXPECT_FALSE(tx.find_version("@a:x", 1));
    return Status::ok();
  });
}

}  // namespace
}  // namespace roomkeys

// The SOCI repository on real SQLite files: opening, migrations, failures.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/key_backup_service.h"
#include "storage/migrations.h"
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
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(version, 2);
  std::string journal;
  sql << "PRAGMA journal_mode", soci::into(journal);
  EXPECT_EQ(journal, "wal");
}

// A database of schema 1 (keys clustered by key) moves to schema 2 (keys in arrival order, one
// unique index) with every key, version and count intact.
TEST(SqliteRepository, Schema1DatabasesKeepEveryKeyThroughMigration2) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    soci::session sql(soci::sqlite3, "db=" + path);
    for (const std::string& statement : split_sql_statements(sqlite_migrations().at(0).sql)) {
      sql << statement;
    }
    sql << "CREATE TABLE rk_schema_version (version INTEGER NOT NULL PRIMARY KEY, name "
           "VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";
    sql << "INSERT INTO rk_schema_version (version, name) VALUES (1, '0001_initial')";
    sql << "INSERT INTO rk_users VALUES ('@a:x', 3)";
    sql << "INSERT INTO rk_versions VALUES ('@a:x', 3, 'alg', '{}', 7, 2, 0)";
    sql << "INSERT INTO rk_keys VALUES ('@a:x', 3, '!r:x', 's1', 1, 0, 1, '{\"d\":1}')";
    sql << "INSERT INTO rk_keys VALUES ('@a:x', 3, '!q:x', 's+/=', 0, 2, 0, '{\"d\":2}')";
  }
  auto repository = open("sqlite:" + path);
  ASSERT_TRUE(repository);
  ASSERT_TRUE(repository->migrate().is_ok());
  KeyBackupService service(*repository, {});
  auto version = service.get_version("@a:x", std::nullopt);
  ASSERT_TRUE(version.is_ok());
  EXPECT_EQ(version.value().count, 2);
  EXPECT_EQ(version.value().etag, 7);
  auto key = service.get_key("@a:x", std::nullopt, "!q:x", "s+/=");
  ASSERT_TRUE(key.is_ok()) << key.status().message();
  EXPECT_EQ(key.value().session_data, R"({"d":2})");
  EXPECT_EQ(key.value().rank.forwarded_count, 2);
  EXPECT_EQ(service.create_version("@a:x", "alg", "{}").value(), 4);  // ids never reused
  // A second key for the same session is still refused by the unique index (an upsert).
  soci::session sql(soci::sqlite3, "db=" + path);
  EXPECT_THROW(sql << "INSERT INTO rk_keys VALUES ('@a:x', 3, '!r:x', 's1', 0, 0, 0, '{}')",
               soci::soci_error);
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
    return Status::error(Status::Code::kInvalidArgument, "changed my mind");
  });
  EXPECT_EQ(failed.code(), Status::Code::kInvalidArgument);
  repository->run(Repository::Mode::kRead, [](Transaction& tx) {
    EXPECT_FALSE(tx.current_version("@a:x"));
    EXPECT_FALSE(tx.find_version("@a:x", 1));
    return Status::ok();
  });
}

// Concurrent writes share commits (group commit), yet each is all-or-nothing by itself: a work
// that answers an error or throws is undone alone, and only its caller sees the failure.
TEST(SqliteRepository, ConcurrentWritesCommitTogetherButFailAlone) {
  TempDir dir;
  auto opened = open("sqlite:" + dir.file("k.db"));
  ASSERT_TRUE(opened);
  Repository& repository = *opened;
  ASSERT_TRUE(repository.migrate().is_ok());
  constexpr int kThreads = 8, kWrites = 40;
  std::vector<int> committed(kThreads, 0), thrown(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string user = "@u" + std::to_string(t) + ":x";
      for (int i = 0; i < kWrites; ++i) {
        try {
          Status status = repository.run(Repository::Mode::kWrite, [&](Transaction& tx) {
            tx.lock_user(user);
            BackupVersion v;
            v.version = tx.allocate_version_id(user);
            v.algorithm = "alg";
            v.auth_data = "{}";
            tx.insert_version(user, v);
            if (i % 5 == 1) throw std::runtime_error("work failed");
            if (i % 3 == 0) return Status::error(Status::Code::kInvalidArgument, "changed my mind");
            return Status::ok();
          });
          if (status.is_ok()) ++committed[t];
        } catch (const std::runtime_error&) {
          ++thrown[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    const std::string user = "@u" + std::to_string(t) + ":x";
    EXPECT_EQ(thrown[t], kWrites / 5);
    repository.run(Repository::Mode::kRead, [&](Transaction& tx) {
      // Ids of undone writes were undone too: the committed ones are exactly 1..committed.
      EXPECT_TRUE(tx.find_version(user, committed[t]));
      EXPECT_FALSE(tx.find_version(user, committed[t] + 1));
      EXPECT_EQ(tx.current_version(user)->version, committed[t]);
      return Status::ok();
    });
  }
  EXPECT_EQ(committed[0], kWrites - kWrites / 5 - 11);  // i % 3 == 0 and not i % 5 == 1: 11
}

// Reads run on statements kept prepared per connection: each must give its snapshot back, or
// later reads would miss new writes and the WAL could never be checkpointed.
TEST(SqliteRepository, CachedReadsSeeNewWritesAndHoldNoSnapshot) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.file("k.db");
  auto repository = open(url);
  ASSERT_TRUE(repository->migrate().is_ok());
  auto write_version = [&](int64_t etag) {
    return repository->run(Repository::Mode::kWrite, [&](Transaction& tx) {
      tx.lock_user("@a:x");
      if (etag == 0) {
        BackupVersion v;
        v.version = tx.allocate_version_id("@a:x");
        v.algorithm = "alg";
        v.auth_data = "{}";
        tx.insert_version("@a:x", v);
      }
      tx.update_stats("@a:x", 1, etag, 0);
      return Status::ok();
    });
  };
  auto read_etag = [&] {
    int64_t etag = -1;
    for (int i = 0; i < 4; ++i) {  // over every pooled connection
      repository->run(Repository::Mode::kSingleRead, [&](Transaction& tx) {
        etag = tx.find_version("@a:x", 1)->etag;
        EXPECT_EQ(tx.current_version("@a:x")->etag, etag);
        EXPECT_TRUE(tx.find_key("@a:x", 1, "!r:x", "s").version_live);
        return Status::ok();
      });
    }
    return etag;
  };
  ASSERT_TRUE(write_version(0).is_ok());
  EXPECT_EQ(read_etag(), 0);
  ASSERT_TRUE(write_version(7).is_ok());
  EXPECT_EQ(read_etag(), 7);

  soci::session other(soci::sqlite3, "db=" + dir.file("k.db"));
  int busy = -1, log_frames = -1, checkpointed = -1;
  other << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(log_frames),
      soci::into(checkpointed);
  EXPECT_EQ(busy, 0);
  EXPECT_EQ(log_frames, 0);
}

// A busy writer's WAL would grow with every upload: SQLite starts it over only when a
// transaction begins with every frame copied to the database, which a checkpoint running beside
// the writer never sees. The writer finishes what the checkpointing thread left, so the WAL stays
// at tens of megabytes while far more than that is written.
TEST(SqliteRepository, TheWalStaysBoundedUnderAStreamOfUploads) {
  TempDir dir;
  auto repository = open("sqlite:" + dir.file("k.db"));
  ASSERT_TRUE(repository->migrate().is_ok());
  int64_t version = 0;
  ASSERT_TRUE(repository
                  ->run(Repository::Mode::kWrite,
                        [&](Transaction& tx) {
                          BackupVersion v;
                          v.version = version = tx.allocate_version_id("@a:x");
                          v.algorithm = "alg";
                          v.auth_data = "{}";
                          tx.insert_version("@a:x", v);
                          return Status::ok();
                        })
                  .is_ok());
  constexpr int kUploads = 250;
  constexpr int kKeysPerUpload = 100;
  const std::string data(4000, 'k');  // 100 MB in all, each key on a page of its own
  uintmax_t largest_wal = 0;
  for (int upload = 0; upload < kUploads; ++upload) {
    std::vector<RoomKey> keys(kKeysPerUpload);
    std::vector<const RoomKey*> pointers;
    for (int i = 0; i < kKeysPerUpload; ++i) {
      keys[i].room_id = "!r" + std::to_string(i % 7) + ":x";
      keys[i].session_id = "s" + std::to_string(upload) + "." + std::to_string(i);
      keys[i].session_data = data;
      pointers.push_back(&keys[i]);
    }
    ASSERT_TRUE(repository
                    ->run(Repository::Mode::kWrite,
                          [&](Transaction& tx) {
                            tx.upsert_keys("@a:x", version, pointers);
                            return Status::ok();
                          })
                    .is_ok());
    largest_wal = std::max(largest_wal, std::filesystem::file_size(dir.file("k.db-wal")));
  }
  EXPECT_LT(largest_wal, 32u << 20);
}

}  // namespace
}  // namespace roomkeys

// The SOCI repository on real SQLite files: opening, migrations, failures.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace roomkeys

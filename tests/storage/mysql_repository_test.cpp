// The SOCI repository on a real MariaDB server: schema, byte-exact ids, failures, and several
// module instances (repositories) on one database.
#include <gtest/gtest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <set>
#include <thread>

#include "core/key_backup_service.h"
#include "storage/database_url.h"
#include "storage/soci_repository.h"
#include "storage/soci_session.h"
#include "support/test_database.h"

namespace roomkeys {
namespace {

using testing::TestBackend;
using testing::TestDatabase;

std::unique_ptr<Repository> open(const std::string& url, size_t pool = 4) {
  RepositoryOptions options;
  options.database_url = url;
  options.pool_size = pool;
  auto repository = open_soci_repository(options);
  if (!repository.is_ok()) ADD_FAILURE() << repository.status().message();
  return repository.is_ok() ? std::move(repository.value()) : nullptr;
}

RoomKey key(const std::string& session, KeyRank rank, const std::string& data) {
  RoomKey k;
  k.room_id = "!r:x";
  k.session_id = session;
  k.rank = rank;
  k.session_data = data;
  return k;
}

TEST(MysqlRepository, SchemaIsInnoDbAndMigrationsAreRecordedOnce) {
  TestDatabase db(TestBackend::kMariadb);
  for (int run = 0; run < 2; ++run) {
    auto repository = open(db.url());
    ASSERT_TRUE(repository);
    ASSERT_TRUE(repository->migrate().is_ok());
    EXPECT_TRUE(repository->health().is_ok());
  }
  const DatabaseUrl url = parse_database_url(db.url()).value();
  soci::session sql(soci::mysql, "db=" + url.database + " host=" + url.host +
                                     " port=" + std::to_string(url.port) + " user=" + url.user +
                                     " password='" + url.password + "'");
  int rows = 0, innodb = 0;
  sql << "SELECT COUNT(*) FROM rk_schema_version", soci::into(rows);
  EXPECT_EQ(rows, 3);  // sql/mysql/0001, 0002 and 0003, each once
  sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
         "AND engine = 'InnoDB' AND table_name LIKE 'rk\\_%'",
      soci::into(innodb);
  EXPECT_EQ(innodb, 4);
}

// What a server that races another one (Galera: GET_LOCK is per node) or stopped half-way meets:
// the schema is there, its versions are not recorded. Every step is found done and recorded.
TEST(MysqlRepository, MigrationsWhoseWorkIsAlreadyDoneAreRecordedAndGoOn) {
  TestDatabase db(TestBackend::kMariadb);
  ASSERT_TRUE(open(db.url())->migrate().is_ok());
  const DatabaseUrl url = parse_database_url(db.url()).value();
  soci::session sql(soci::mysql, "db=" + url.database + " host=" + url.host +
                                     " port=" + std::to_string(url.port) + " user=" + url.user +
                                     " password='" + url.password + "'");
  sql << "DELETE FROM rk_schema_version";
  auto repository = open(db.url());
  ASSERT_TRUE(repository->migrate().is_ok());
  EXPECT_TRUE(repository->health().is_ok());
  int rows = 0;
  sql << "SELECT COUNT(*) FROM rk_schema_version", soci::into(rows);
  EXPECT_EQ(rows, 3);
}

TEST(MysqlRepository, IdsAreByteExactWithoutPadding) {
  TestDatabase db(TestBackend::kMariadb);
  auto repository = open(db.url());
  ASSERT_TRUE(repository->migrate().is_ok());
  KeyBackupService service(*repository, {});
  ASSERT_TRUE(service.create_version("@a:x", "alg", "{}").is_ok());
  const std::vector<std::string> sessions = {"s",        "S",        "s ", "\xF0\x9F\x94\x91",
                                             "\xC3\xA9", "e\xCC\x81"};
  std::vector<RoomKey> keys;
  for (const auto& s : sessions)
    keys.push_back(key(s, {0, 0, false}, "\"" + std::to_string(keys.size()) + "\""));
  auto outcome = service.upload_keys("@a:x", "1", keys);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().message();
  EXPECT_EQ(outcome.value().count, static_cast<int64_t>(sessions.size()));
  for (size_t i = 0; i < sessions.size(); ++i) {
    auto found = service.get_key("@a:x", "1", "!r:x", sessions[i]);
    ASSERT_TRUE(found.is_ok()) << i;
    EXPECT_EQ(found.value().session_data, "\"" + std::to_string(i) + "\"");
  }
}

// Uploads reach MariaDB as statement text (hex literals, soci_transaction.cpp): whatever bytes
// SQL gives a meaning to come back exactly, through lookups, replacement and reads.
TEST(MysqlRepository, BytesThatMeanSomethingInSqlAreStoredExactly) {
  TestDatabase db(TestBackend::kMariadb);
  auto repository = open(db.url());
  ASSERT_TRUE(repository->migrate().is_ok());
  KeyBackupService service(*repository, {});
  const std::string user = "@o'brien\\:x";
  ASSERT_TRUE(service.create_version(user, "alg", "{}").is_ok());
  const std::vector<std::string> awkward = {"'",
                                            "\\",
                                            "\\'",
                                            "\"",
                                            ":u0",
                                            "X'00'",
                                            "'); DROP TABLE rk_keys; --",
                                            "%_",
                                            "\x1a",
                                            "\n\r\t",
                                            std::string("nul\0in", 6),
                                            "\xF0\x9F\x94\x91"};
  std::vector<RoomKey> keys;
  for (size_t i = 0; i < awkward.size(); ++i) {
    RoomKey k = key("s" + awkward[i], {5, 0, false}, "{\"v\":\"" + std::to_string(i) + "'\\\\\"}");
    k.room_id = "!" + awkward[i] + ":x";
    keys.push_back(k);
  }
  ASSERT_TRUE(service.upload_keys(user, "1", keys).is_ok());
  for (RoomKey& k : keys) {  // better keys replace the stored ones, found by the same bytes
    k.rank.first_message_index = 1;
    k.session_data = "{\"better\":\"" + k.session_id + "\"}";
  }
  auto again = service.upload_keys(user, "1", keys);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again.value().count, static_cast<int64_t>(awkward.size()));
  for (const RoomKey& k : keys) {
    auto found = service.get_key(user, "1", k.room_id, k.session_id);
    ASSERT_TRUE(found.is_ok()) << k.session_id;
    EXPECT_EQ(found.value().session_data, k.session_data);
    EXPECT_EQ(found.value().rank.first_message_index, 1);
  }
}

TEST(MysqlRepository, UnixSocketUrl) {
  TestDatabase db(TestBackend::kMariadb);
  const DatabaseUrl tcp = parse_database_url(db.url()).value();
  auto repository = open("mysql://roomkeys:r00m%3Akeys%2Fp%40ss%25@localhost/" + tcp.database +
                         "?socket=" ROOMKEYS_TEST_MARIADB_SOCKET);
  ASSERT_TRUE(repository);
  EXPECT_TRUE(repository->migrate().is_ok());
}

TEST(MysqlRepository, UnreachableServerOrWrongPasswordIsUnavailable) {
  RepositoryOptions options;
  options.database_url = "mysql://roomkeys:x@127.0.0.1:1/rk_none";
  auto closed = open_soci_repository(options);
  ASSERT_FALSE(closed.is_ok());
  EXPECT_EQ(closed.status().code(), Status::Code::kUnavailable);
  const DatabaseUrl base = parse_database_url(testing::mariadb_base_url() + "rk_none").value();
  options.database_url = "mysql://roomkeys:wrong@127.0.0.1:" + std::to_string(base.port) + "/rk_x";
  auto denied = open_soci_repository(options);
  ASSERT_FALSE(denied.is_ok());
  EXPECT_EQ(denied.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(denied.status().message().find("wrong"), std::string::npos);  // no password
}

TEST(MysqlRepository, SeveralInstancesMigrateTogether) {
  TestDatabase db(TestBackend::kMariadb);
  std::vector<std::thread> instances;
  for (int i = 0; i < 4; ++i) {
    instances.emplace_back([&] {
      auto repository = open(db.url(), 1);
      ASSERT_TRUE(repository);
      EXPECT_TRUE(repository->migrate().is_ok());
    });
  }
  for (auto& t : instances) t.join();
}

TEST(MysqlRepository, TwoInstancesAllocateDistinctIdsAndKeepTheWinner) {
  TestDatabase db(TestBackend::kMariadb);
  auto first = open(db.url(), 8), second = open(db.url(), 8);
  ASSERT_TRUE(first->migrate().is_ok());
  KeyBackupService a(*first, {}), b(*second, {});

  std::mutex mutex;
  std::set<int64_t> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto id = (i % 2 ? a : b).create_version("@u:x", "alg", "{}");
      ASSERT_TRUE(id.is_ok()) << id.status().message();
      std::lock_guard<std::mutex> lock(mutex);
      ids.insert(id.value());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), 16u);
  EXPECT_EQ(*ids.rbegin(), 16);

  threads.clear();
  constexpr int kDevices = 12, kSessions = 60;
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      std::vector<RoomKey> keys;
      for (int s = 0; s < kSessions; ++s) {
        // Device 5 holds the best key of every session; others are worse in different ways.
        const KeyRank rank = d == 5 ? KeyRank{0, 0, true} : KeyRank{1 + d % 3, d, d % 2 == 0};
        keys.push_back(key(std::to_string(s), rank, "\"device " + std::to_string(d) + "\""));
      }
      auto outcome = (d % 2 ? a : b).upload_keys("@u:x", "16", keys);
      EXPECT_TRUE(outcome.is_ok()) << outcome.status().message();
    });
  }
  for (auto& t : threads) t.join();
  int seen = 0;
  ASSERT_TRUE(a.read_keys("@u:x", std::string_view("16"), KeyScope{}, [&](const RoomKey& k) {
                 ++seen;
                 EXPECT_EQ(k.session_data, "\"device 5\"") << k.session_id;
                 return true;
               }).is_ok());
  EXPECT_EQ(seen, kSessions);
  EXPECT_EQ(b.get_version("@u:x", std::nullopt).value().count, kSessions);
}

}  // namespace
}  // namespace roomkeys

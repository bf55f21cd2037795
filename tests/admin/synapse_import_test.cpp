// roomkeys-admin import-synapse, run as the real program against Synapse-schema databases
// (SQLite and PostgreSQL) into roomkeys databases (SQLite and MariaDB); what it did is read
// back through the key-backup service, as the server would answer it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "admin/synapse_db.h"
#include "core/key_backup_service.h"
#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/soci_repository.h"
#include "support/test_database.h"

namespace roomkeys {
namespace {

using testing::SynapseBackend;
using testing::SynapseDb;
using testing::TestBackend;
using testing::TestDatabase;

const std::string kAlgorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
const std::string kAuth =
    R"({"public_key": "abc", "signatures": {"@alice:x": {"ed25519:D": "s"}}})";
const std::string kUnicodeRoom = "!ünïcødé:例え.org";
const std::string kOddSession = "a+b/c=d+/==";
const std::string kEmojiData = R"({"ciphertext": "😀𝄞", "mac": "m", "ephemeral": "e"})";

struct AdminRun {
  int exit_status = -1;
  std::string output;
};

std::string quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

AdminRun admin(const std::vector<std::string>& args) {
  std::string command = ROOMKEYS_ADMIN_PATH;
  for (const auto& arg : args) command += " " + quoted(arg);
  AdminRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

struct Combo {
  SynapseBackend from;
  TestBackend to;
};

std::string combo_name(const Combo& c) {
  return std::string(c.from == SynapseBackend::kSqlite ? "SynapseSqlite" : "SynapsePostgresql") +
         "To" + testing::backend_name(c.to);
}

class SynapseImportTest : public ::testing::TestWithParam<Combo> {
 protected:
  void SetUp() override {
    synapse_ = std::make_unique<SynapseDb>(GetParam().from);
    target_ = std::make_unique<TestDatabase>(GetParam().to);
    RepositoryOptions options;
    options.database_url = target_->url();
    options.pool_size = 2;
    auto repository = open_soci_repository(options);
    ASSERT_TRUE(repository.is_ok()) << repository.status().message();
    repository_ = std::move(repository.value());
    ASSERT_TRUE(repository_->migrate().is_ok());
    service_ = std::make_unique<KeyBackupService>(*repository_, std::vector<std::string>{});
  }

  AdminRun import(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--database", target_->url(), "import-synapse",
                                     synapse_->url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return admin(args);
  }

  // What Synapse holds in the shared fixture: superseded, deleted and current versions, NULL
  // etags, odd ids, 4-byte UTF-8, and rows that cannot be imported.
  void write_synapse_backups() {
    SynapseDb& s = *synapse_;
    s.add_version("@alice:x", 1, kAlgorithm, kAuth, 3, /*deleted=*/1);
    s.add_version("@alice:x", 2, kAlgorithm, kAuth, std::nullopt);
    s.add_key("@alice:x", 2, "!room:x", "old", 0, 0, false, R"({"v": 2})");
    s.add_version("@alice:x", 3, kAlgorithm, kAuth, 7);
    s.add_key("@alice:x", 3, "!room:x", "s1", 4, 1, true, R"({"k": "s1"})");
    s.add_key("@alice:x", 3, kUnicodeRoom, kOddSession, 0, 0, false, kEmojiData);
    s.add_key("@alice:x", 3, "!room:x", "s2", 9, 0, std::nullopt, R"({"k": "s2"})");
    s.add_version("@bob:y", 1, kAlgorithm, R"("a string auth_data")", 2);
    s.add_key("@bob:y", 1, "!room:y", "good", 1, 2, true, R"({"bob": true})");
    s.add_key("@bob:y", 1, "!room:y", "null_index", std::nullopt, 0, false, "{}");
    s.add_key("@bob:y", 1, "!room:y", "negative", 0, -1, false, "{}");
    s.add_key("@bob:y", 1, "!room:y", "not_object", 0, 0, false, "[1, 2]");
    s.add_key("@bob:y", 1, "no-bang-room", "s", 0, 0, false, "{}");
  }

  BackupVersion version(const std::string& user, const std::string& id) {
    auto v = service_->get_version(user, std::string_view(id));
    EXPECT_TRUE(v.is_ok()) << user << " version " << id << ": " << v.status().message();
    return v.is_ok() ? v.value() : BackupVersion{};
  }
  std::vector<RoomKey> keys(const std::string& user, const std::string& id) {
    std::vector<RoomKey> out;
    EXPECT_TRUE(service_
                    ->read_keys(user, std::string_view(id), KeyScope{},
                                [&](const RoomKey& k) {
                                  out.push_back(k);
                                  return true;
                                })
                    .is_ok());
    return out;
  }

  std::unique_ptr<SynapseDb> synapse_;
  std::unique_ptr<TestDatabase> target_;
  std::unique_ptr<Repository> repository_;
  std::unique_ptr<KeyBackupService> service_;
};

TEST_P(SynapseImportTest, CarriesEveryVersionAndKeyOverWithTheirIdsAndEtags) {
  write_synapse_backups();
  const AdminRun run = import();
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("4 rows skipped"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("room !room:y, session null_index"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("{\"bob\""), std::string::npos) << "key material in the report";

  // Deleted stays deleted; the current version stays current; NULL etags count as 0.
  EXPECT_EQ(service_->get_version("@alice:x", std::string_view("1")).status().code(),
            Status::Code::kNotFound);
  const BackupVersion current = service_->get_version("@alice:x", std::nullopt).value();
  EXPECT_EQ(current.version, 3);
  EXPECT_EQ(current.etag, 7);
  EXPECT_EQ(current.count, 3);
  EXPECT_EQ(current.algorithm, kAlgorithm);
  EXPECT_EQ(current.auth_data, kAuth);
  EXPECT_EQ(version("@alice:x", "2").etag, 0);
  EXPECT_EQ(version("@alice:x", "2").count, 1);

  const std::vector<RoomKey> alice = keys("@alice:x", "3");
  ASSERT_EQ(alice.size(), 3u);
  EXPECT_EQ(alice[0].session_id, "s1");
  EXPECT_EQ(alice[0].session_data, R"({"k": "s1"})");
  EXPECT_TRUE(alice[0].rank.is_verified);
  EXPECT_EQ(alice[0].rank.first_message_index, 4);
  EXPECT_EQ(alice[0].rank.forwarded_count, 1);
  EXPECT_FALSE(alice[1].rank.is_verified);  // NULL is_verified: false, as Synapse answers
  EXPECT_EQ(alice[2].room_id, kUnicodeRoom);
  EXPECT_EQ(alice[2].session_id, kOddSession);
  EXPECT_EQ(alice[2].session_data, kEmojiData);

  const BackupVersion bob = version("@bob:y", "1");
  EXPECT_EQ(bob.auth_data, R"("a string auth_data")");
  EXPECT_EQ(bob.count, 1);
  EXPECT_EQ(bob.etag, 2);
  ASSERT_EQ(keys("@bob:y", "1").size(), 1u);

  // New versions continue the numbering.
  EXPECT_EQ(service_->create_version("@alice:x", kAlgorithm, "{}").value(), 4);
}

TEST_P(SynapseImportTest, ASecondRunChangesNothing) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  const BackupVersion before = version("@alice:x", "3");
  const AdminRun again = import();
  EXPECT_EQ(again.exit_status, 0) << again.output;
  EXPECT_EQ(again.output.find(": merged"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find(": new"), std::string::npos) << again.output;
  const BackupVersion after = version("@alice:x", "3");
  EXPECT_EQ(after.etag, before.etag);
  EXPECT_EQ(after.count, before.count);
  EXPECT_EQ(version("@alice:x", "2").etag, 0);
}

TEST_P(SynapseImportTest, KeysWrittenOnBothSidesMergeByTheReplacementRule) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  // After the proxy switch, the client writes to roomkeys...
  RoomKey better_here{"!room:x", "s2", KeyRank{0, 0, true}, R"({"here": "better"})"};
  RoomKey new_here{"!room:x", "n1", KeyRank{0, 0, false}, R"({"here": "new"})"};
  const auto uploaded = service_->upload_keys("@alice:x", "3", {better_here, new_here});
  ASSERT_TRUE(uploaded.is_ok());
  const int64_t etag_here = uploaded.value().etag;
  // ... while a device still on Synapse wrote there.
  synapse_->add_key("@alice:x", 3, "!room:x", "m1", 0, 0, false, R"({"there": "new"})");
  synapse_->set_key("@alice:x", 3, "!room:x", "s1", 4, 1, true, R"({"there": "tie"})");
  synapse_->set_key("@alice:x", 3, kUnicodeRoom, kOddSession, 0, 0, true, R"({"there": "better"})");
  synapse_->sql() << "UPDATE e2e_room_keys_versions SET etag = 9 WHERE user_id = '@alice:x' AND "
                     "version = 3";

  const AdminRun run = import();
  EXPECT_EQ(run.exit_status, 0) << run.output;
  const BackupVersion v = version("@alice:x", "3");
  EXPECT_EQ(v.count, 5);
  EXPECT_GT(v.etag, std::max<int64_t>(etag_here, 9));
  std::map<std::string, std::string> data;
  for (const RoomKey& k : keys("@alice:x", "3")) data[k.session_id] = k.session_data;
  EXPECT_EQ(data["s1"], R"({"k": "s1"})");  // a tie keeps roomkeys' key
  EXPECT_EQ(data["s2"], R"({"here": "better"})");
  EXPECT_EQ(data[kOddSession], R"({"there": "better"})");
  EXPECT_EQ(data["m1"], R"({"there": "new"})");
  EXPECT_EQ(data["n1"], R"({"here": "new"})");
}

TEST_P(SynapseImportTest, AConflictingVersionLeavesThatUserUntouchedAndFails) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  ASSERT_TRUE(
      service_
          ->update_version("@alice:x", "3", kAlgorithm, R"({"public_key": "other"})", std::nullopt)
          .is_ok());
  synapse_->add_key("@alice:x", 3, "!room:x", "late", 0, 0, false, "{}");
  synapse_->add_key("@bob:y", 1, "!room:y", "late", 0, 0, false, "{}");
  const AdminRun run = import();
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_NE(run.output.find("NOT IMPORTED @alice:x"), std::string::npos) << run.output;
  EXPECT_EQ(version("@alice:x", "3").count, 3);  // untouched
  EXPECT_EQ(version("@bob:y", "1").count, 2);    // the others go on
}

TEST_P(SynapseImportTest, ADryRunWritesNothing) {
  write_synapse_backups();
  const AdminRun run = import({"--dry-run"});
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("dry run, nothing written"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("@alice:x version 3: new, 3 keys added"), std::string::npos)
      << run.output;
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(service_->create_version("@alice:x", kAlgorithm, "{}").value(), 1);
}

TEST_P(SynapseImportTest, OnlyTheNamedUsers) {
  write_synapse_backups();
  EXPECT_EQ(import({"--user", "@bob:y"}).exit_status, 0);
  EXPECT_EQ(version("@bob:y", "1").count, 1);
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).status().code(),
            Status::Code::kNotFound);
}

TEST_P(SynapseImportTest, AKilledImportLeavesEachUserWholeOrAsBeforeAndARerunFinishes) {
  constexpr int kBigKeys = 40000;
  synapse_->add_version("@big:x", 1, kAlgorithm, kAuth, 1);
  synapse_->sql().begin();
  for (int i = 0; i < kBigKeys; ++i) {
    synapse_->add_key("@big:x", 1, "!r" + std::to_string(i % 50) + ":x",
                      "session" + std::to_string(i), 0, 0, false,
                      R"({"ciphertext": ")" + std::string(600, 'x') + R"("})");
  }
  synapse_->sql().commit();
  synapse_->add_version("@zed:x", 1, kAlgorithm, kAuth, 1);
  synapse_->add_key("@zed:x", 1, "!r:x", "s", 0, 0, false, "{}");

  const pid_t child = fork();
  if (child == 0) {
    execl(ROOMKEYS_ADMIN_PATH, ROOMKEYS_ADMIN_PATH, "--database", target_->url().c_str(),
          "import-synapse", synapse_->url().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);

  auto big = service_->get_version("@big:x", std::string_view("1"));
  if (big.is_ok()) {
    EXPECT_EQ(big.value().count, kBigKeys);  // whole...
  } else {
    EXPECT_EQ(big.status().code(), Status::Code::kNotFound);  // ... or as before
  }
  const AdminRun rerun = import();
  EXPECT_EQ(rerun.exit_status, 0) << rerun.output;
  EXPECT_EQ(version("@big:x", "1").count, kBigKeys);
  EXPECT_EQ(keys("@big:x", "1").size(), static_cast<size_t>(kBigKeys));
  EXPECT_EQ(version("@zed:x", "1").count, 1);
}

// What a client asks after the proxy switch, over HTTP, answered as Synapse answered it.
TEST_P(SynapseImportTest, TheServerAnswersWhatSynapseAnswered) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  testing::ServerProcess server({"--database", target_->url(), "--token", "tok-a=@alice:x"});
  const testing::HttpClient http(server.base_url());
  const std::string api = "/_matrix/client/v3/room_keys";
  using nlohmann::json;

  const auto current = http.request("GET", api + "/version", "", "tok-a");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.json(), json({{"algorithm", kAlgorithm},
                                  {"auth_data", json::parse(kAuth)},
                                  {"count", 3},
                                  {"etag", "7"},
                                  {"version", "3"}}));
  const auto superseded = http.request("GET", api + "/version/2", "", "tok-a");
  EXPECT_EQ(superseded.json()["etag"], "0");
  EXPECT_EQ(superseded.json()["count"], 1);
  EXPECT_EQ(http.request("GET", api + "/version/1", "", "tok-a").status, 404);  // deleted

  const auto all = http.request("GET", api + "/keys?version=3", "", "tok-a");
  ASSERT_EQ(all.status, 200) << all.body;
  const json rooms = all.json()["rooms"];
  EXPECT_EQ(rooms[kUnicodeRoom]["sessions"][kOddSession],
            json({{"first_message_index", 0},
                  {"forwarded_count", 0},
                  {"is_verified", false},
                  {"session_data", json::parse(kEmojiData)}}));
  EXPECT_EQ(rooms["!room:x"]["sessions"]["s1"]["is_verified"], true);
  EXPECT_EQ(rooms["!room:x"]["sessions"]["s2"]["is_verified"], false);  // NULL in Synapse
  EXPECT_EQ(rooms.size(), 2u);

  const auto created =
      http.request("POST", api + "/version", R"({"algorithm": "a", "auth_data": {}})", "tok-a");
  EXPECT_EQ(created.body, R"({"version":"4"})");
}

// The operator purges: account deactivation and room purge, as a homeserver hook calls them.
TEST_P(SynapseImportTest, PurgeCommandsRemoveWhatTheyNameAndNothingElse) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  const BackupVersion before = version("@alice:x", "3");
  const AdminRun room = admin({"--database", target_->url(), "purge-room", "!room:x"});
  EXPECT_EQ(room.exit_status, 0) << room.output;
  const BackupVersion after = version("@alice:x", "3");
  EXPECT_EQ(after.count, 1);  // the unicode room's key stays
  EXPECT_NE(after.etag, before.etag);
  EXPECT_EQ(version("@bob:y", "1").count, 1);  // !room:y is another room

  const AdminRun user = admin({"--database", target_->url(), "purge-user", "@bob:y"});
  EXPECT_EQ(user.exit_status, 0) << user.output;
  EXPECT_EQ(service_->get_version("@bob:y", std::nullopt).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(service_->create_version("@bob:y", kAlgorithm, "{}").value(), 2);  // never reused
  EXPECT_EQ(version("@alice:x", "3").count, 1);
  EXPECT_EQ(admin({"--database", target_->url(), "purge-user"}).exit_status, 2);
}

// stats: totals and one user's versions, as text, without key material.
TEST_P(SynapseImportTest, StatsShowWhatIsStoredWithoutKeyMaterial) {
  write_synapse_backups();
  ASSERT_EQ(import().exit_status, 0);
  const AdminRun totals = admin({"--database", target_->url(), "stats"});
  EXPECT_EQ(totals.exit_status, 0) << totals.output;
  EXPECT_NE(totals.output.find("users         2\n"), std::string::npos) << totals.output;
  EXPECT_NE(totals.output.find("(1 deleted)"), std::string::npos) << totals.output;
  const AdminRun alice = admin({"--database", target_->url(), "stats", "@alice:x"});
  EXPECT_EQ(alice.exit_status, 0) << alice.output;
  EXPECT_NE(alice.output.find("user @alice:x: 3 versions, 4 keys"), std::string::npos)
      << alice.output;
  EXPECT_NE(alice.output.find(kAlgorithm), std::string::npos);
  EXPECT_EQ(alice.output.find("\"k\""), std::string::npos) << alice.output;   // session data
  EXPECT_EQ(alice.output.find("public"), std::string::npos) << alice.output;  // auth_data
  EXPECT_EQ(admin({"--database", target_->url(), "stats", "@a:x", "@b:x"}).exit_status, 2);
  const AdminRun nobody = admin({"--database", target_->url(), "stats", "@nobody:x"});
  EXPECT_EQ(nobody.exit_status, 0);
  EXPECT_NE(nobody.output.find("0 versions"), std::string::npos) << nobody.output;
}

TEST(SynapseImportCli, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(admin({"import-synapse"}).exit_status, 2);
  EXPECT_EQ(admin({"--database", "sqlite:/nonexistent/dir/x.db", "frobnicate"}).exit_status, 2);
  EXPECT_EQ(admin({"--database", "sqlite::memory:", "import-synapse", "oracle://x"}).exit_status,
            2);
  EXPECT_EQ(admin({"--help"}).exit_status, 0);
}

// Operators reach a local PostgreSQL through its Unix socket (?host=DIR, no host before the
// path) or over IPv6 ([::1]:PORT); both must reach the same database as the plain URL.
TEST(SynapseImportCli, PostgresqlOverIpv6AndItsUnixSocket) {
  SynapseDb synapse(SynapseBackend::kPostgresql);
  synapse.add_version("@carol:z", 4, kAlgorithm, kAuth, 9);
  synapse.add_key("@carol:z", 4, "!r:z", "s", 0, 0, true, R"({"c": 1})");
  const std::string& url = synapse.url();  // postgresql://USER:PW@127.0.0.1:PORT/DB
  const auto at = url.find('@'), colon = url.rfind(':'), slash = url.rfind('/');
  const std::string port = url.substr(colon + 1, slash - colon - 1);
  const std::vector<std::string> urls = {url.substr(0, at + 1) + "[::1]" + url.substr(colon),
                                         url.substr(0, at + 1) + url.substr(slash) + "?host=" +
                                             ROOMKEYS_TEST_POSTGRESQL_SOCKET_DIR + "&port=" + port};
  for (const std::string& source : urls) {
    TestDatabase target(TestBackend::kSqlite);
    const AdminRun run = admin({"--database", target.url(), "import-synapse", source});
    EXPECT_EQ(run.exit_status, 0) << source << "\n" << run.output;
    EXPECT_NE(run.output.find("1 keys written"), std::string::npos) << source << "\n" << run.output;
  }
}

INSTANTIATE_TEST_SUITE_P(Import, SynapseImportTest,
                         ::testing::Values(Combo{SynapseBackend::kSqlite, TestBackend::kSqlite},
                                           Combo{SynapseBackend::kSqlite, TestBackend::kMariadb},
                                           Combo{SynapseBackend::kPostgresql,
                                                 TestBackend::kSqlite}),
                         [](const auto& info) { return combo_name(info.param); });

}  // namespace
}  // namespace roomkeys

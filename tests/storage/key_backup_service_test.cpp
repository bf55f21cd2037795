// The key-backup rules of BEHAVIOUR.md, through KeyBackupService over a real SQLite file.
#include "core/key_backup_service.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "storage/soci_repository.h"
#include "support/room_key.h"
#include "support/test_database.h"

namespace roomkeys {
namespace {

using Code = Status::Code;

using testing::key;

class ServiceTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    RepositoryOptions options;
    options.database_url = db_->url();
    options.pool_size = 8;
    auto repository = open_soci_repository(options);
    ASSERT_TRUE(repository.is_ok()) << repository.status().message();
    repository_ = std::move(repository.value());
    ASSERT_TRUE(repository_->migrate().is_ok());
    service_ = std::make_unique<KeyBackupService>(*repository_, std::vector<std::string>{});
  }

  std::string create(const std::string& user = "@alice:x") {
    auto id = service_->create_version(user, "m.megolm_backup.v1", R"({"public_key":"k"})");
    EXPECT_TRUE(id.is_ok());
    return std::to_string(id.value());
  }

  KeysOutcome upload(const std::string& version, const std::vector<RoomKey>& keys,
                     const std::string& user = "@alice:x") {
    auto outcome = service_->upload_keys(user, version, keys);
    EXPECT_TRUE(outcome.is_ok()) << outcome.status().message();
    return outcome.is_ok() ? outcome.value() : KeysOutcome{};
  }

  std::vector<RoomKey> read(std::optional<std::string_view> version, KeyScope scope = {},
                            const std::string& user = "@alice:x") {
    std::vector<RoomKey> keys;
    Status status = service_->read_keys(user, version, scope, [&](const RoomKey& k) {
      keys.push_back(k);
      return true;
    });
    EXPECT_TRUE(status.is_ok()) << status.message();
    return keys;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Repository> repository_;
  std::unique_ptr<KeyBackupService> service_;
};

TEST_P(ServiceTest, VersionIdsIncreaseAndAreNeverReused) {
  EXPECT_EQ(create(), "1");
  EXPECT_EQ(create(), "2");
  ASSERT_TRUE(service_->delete_version("@alice:x", "2").is_ok());
  EXPECT_EQ(create(), "3");
  ASSERT_TRUE(service_->purge_user("@alice:x").is_ok());
  EXPECT_EQ(create(), "4");
  EXPECT_EQ(create("@bob:x"), "1");  // per user
}

TEST_P(ServiceTest, CurrentIsTheNewestLiveVersion) {
  create();
  create();
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).value().version, 2);
  ASSERT_TRUE(service_->delete_version("@alice:x", "2").is_ok());
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).value().version, 1);
  ASSERT_TRUE(service_->delete_version("@alice:x", "1").is_ok());
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).status().code(), Code::kNotFound);
}

TEST_P(ServiceTest, GetVersionNotFoundCases) {
  create();
  ASSERT_TRUE(service_->delete_version("@alice:x", "1").is_ok());
  for (const char* v : {"1", "2", "abc", "01", ""}) {
    EXPECT_EQ(service_->get_version("@alice:x", std::string_view(v)).status().code(),
              Code::kNotFound)
        << v;
  }
}

TEST_P(ServiceTest, DeleteVersionIsIdempotentButNeedsAVersionThatExisted) {
  create();
  EXPECT_TRUE(service_->delete_version("@alice:x", "1").is_ok());
  EXPECT_TRUE(service_->delete_version("@alice:x", "1").is_ok());
  EXPECT_EQ(service_->delete_version("@alice:x", "2").code(), Code::kNotFound);
  EXPECT_EQ(service_->delete_version("@alice:x", "x").code(), Code::kNotFound);
}

TEST_P(ServiceTest, UpdateChangesOnlyAuthData) {
  const std::string v = create();
  upload(v, {key("!r", "s", {0, 0, false})});
  const BackupVersion before = service_->get_version("@alice:x", std::string_view(v)).value();
  EXPECT_EQ(service_->update_version("@alice:x", v, "other", "{}", std::nullopt).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(
      service_->update_version("@alice:x", v, "m.megolm_backup.v1", "{}", std::string_view("2"))
          .code(),
      Code::kInvalidArgument);
  EXPECT_EQ(
      service_->update_version("@alice:x", "9", "m.megolm_backup.v1", "{}", std::nullopt).code(),
      Code::kNotFound);
  ASSERT_TRUE(service_
                  ->update_version("@alice:x", v, "m.megolm_backup.v1", R"({"new":true})",
                                   std::string_view(v))
                  .is_ok());
  const BackupVersion after = service_->get_version("@alice:x", std::string_view(v)).value();
  EXPECT_EQ(after.auth_data, R"({"new":true})");
  EXPECT_EQ(after.etag, before.etag);
  EXPECT_EQ(after.count, before.count);
}

TEST_P(ServiceTest, AllowListRestrictsAlgorithms) {
  KeyBackupService strict(*repository_, {"m.megolm_backup.v1.curve25519-aes-sha2"});
  EXPECT_EQ(strict.create_version("@a:x", "other", "{}").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(
      strict.create_version("@a:x", "m.megolm_backup.v1.curve25519-aes-sha2", "{}").is_ok());
}

TEST_P(ServiceTest, UploadsGoOnlyToTheCurrentVersion) {
  create();
  create();
  auto old = service_->upload_keys("@alice:x", "1", {key("!r", "s", {0, 0, false})});
  ASSERT_EQ(old.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(old.status().detail(), "2");
  EXPECT_EQ(service_->upload_keys("@alice:x", "3", {}).status().code(), Code::kNotFound);
  EXPECT_EQ(service_->upload_keys("@bob:x", "1", {}).status().code(), Code::kNotFound);
  ASSERT_TRUE(service_->delete_version("@alice:x", "2").is_ok());
  EXPECT_EQ(service_->upload_keys("@alice:x", "2", {}).status().code(), Code::kNotFound);
  EXPECT_TRUE(service_->upload_keys("@alice:x", "1", {}).is_ok());  // current again
}

TEST_P(ServiceTest, ReplacementRuleKeepsTheBetterKey) {
  const std::string v = create();
  upload(v, {key("!r", "s", {5, 5, false}, "\"first\"")});
  upload(v, {key("!r", "s", {6, 0, false}, "\"worse index\"")});
  EXPECT_EQ(read(v)[0].session_data, "\"first\"");
  upload(v, {key("!r", "s", {5, 4, false}, "\"fewer forwards\"")});
  EXPECT_EQ(read(v)[0].session_data, "\"fewer forwards\"");
  upload(v, {key("!r", "s", {9, 9, true}, "\"verified\"")});
  EXPECT_EQ(read(v)[0].session_data, "\"verified\"");
  upload(v, {key("!r", "s", {0, 0, false}, "\"unverified\"")});
  upload(v, {key("!r", "s", {9, 9, true}, "\"tie\"")});
  const auto keys = read(v);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].session_data, "\"verified\"");
  EXPECT_TRUE(keys[0].rank.is_verified);
}

TEST_P(ServiceTest, CountAndEtagFollowTheSetOfKeys) {
  const std::string v = create();
  KeysOutcome a = upload(v, {key("!r", "s1", {1, 0, false}), key("!r", "s2", {1, 0, false})});
  EXPECT_EQ(a.count, 2);
  KeysOutcome same = upload(v, {key("!r", "s1", {1, 0, false})});  // tie: nothing changes
  EXPECT_EQ(same.etag, a.etag);
  EXPECT_EQ(same.count, 2);
  KeysOutcome better = upload(v, {key("!r", "s1", {0, 0, false})});
  EXPECT_NE(better.etag, a.etag);
  EXPECT_EQ(better.count, 2);
  KeysOutcome added = upload(v, {key("!q", "s1", {0, 0, false})});
  EXPECT_EQ(added.count, 3);
  const BackupVersion info = service_->get_version("@alice:x", std::string_view(v)).value();
  EXPECT_EQ(info.count, 3);
  EXPECT_EQ(info.etag, added.etag);
}

TEST_P(ServiceTest, DuplicateSessionsInOneRequestCountOnce) {
  const std::string v = create();
  KeysOutcome outcome =
      upload(v, {key("!r", "s", {3, 0, false}, "\"a\""), key("!r", "s", {1, 0, false}, "\"b\""),
                 key("!r", "s", {2, 0, false}, "\"c\"")});
  EXPECT_EQ(outcome.count, 1);
  EXPECT_EQ(read(v).at(0).session_data, "\"b\"");
}

TEST_P(ServiceTest, DeletesByScopeKeepCountsExact) {
  const std::string v = create();
  upload(v, {key("!a", "1", {0, 0, false}), key("!a", "2", {0, 0, false}),
             key("!b", "1", {0, 0, false}), key("!c", "1", {0, 0, false})});
  const std::string a = "!a", b = "!b", one = "1", missing = "zz";
  auto none = service_->delete_keys("@alice:x", v, KeyScope{&a, &missing});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none.value().count, 4);
  const int64_t etag = none.value().etag;
  auto session = service_->delete_keys("@alice:x", v, KeyScope{&a, &one});
  EXPECT_EQ(session.value().count, 3);
  EXPECT_NE(session.value().etag, etag);
  EXPECT_EQ(service_->delete_keys("@alice:x", v, KeyScope{&b, nullptr}).value().count, 2);
  EXPECT_EQ(service_->delete_keys("@alice:x", v, KeyScope{}).value().count, 0);
  EXPECT_TRUE(read(v).empty());
  EXPECT_EQ(service_->delete_keys("@alice:x", "7", KeyScope{}).status().code(), Code::kNotFound);
}

TEST_P(ServiceTest, ReadsAreOrderedScopedAndMayUseOlderVersions) {
  const std::string v1 = create();
  upload(v1, {key("!b", "2", {0, 0, false}), key("!a", "9", {0, 0, false}),
              key("!b", "1", {0, 0, false})});
  const std::string v2 = create();
  upload(v2, {key("!z", "1", {0, 0, false})});
  const auto all = read(v1);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].room_id + all[0].session_id, "!a9");
  EXPECT_EQ(all[1].room_id + all[1].session_id, "!b1");
  EXPECT_EQ(all[2].room_id + all[2].session_id, "!b2");
  const std::string b = "!b";
  EXPECT_EQ(read(v1, KeyScope{&b, nullptr}).size(), 2u);
  EXPECT_EQ(read(std::nullopt).at(0).room_id, "!z");  // current version
  // A missing key and an unknown version are both "not found", told apart by their text.
  const Status missing_key = service_->get_key("@alice:x", v1, "!b", "3").status();
  const Status unknown_version = service_->get_key("@alice:x", "5", "!b", "1").status();
  EXPECT_EQ(missing_key.code(), Code::kNotFound);
  EXPECT_EQ(unknown_version.code(), Code::kNotFound);
  EXPECT_NE(missing_key.message(), unknown_version.message());
}

// More than one page of MySQL's keyset reads, uploaded in several bodies across both rooms (as
// clients do), so that a room spans pages and the order of arrival is not the order of ids.
TEST_P(ServiceTest, ReadsPastManyPagesRoomByRoom) {
  const std::string v = create();
  std::set<std::pair<std::string, std::string>> uploaded;
  std::vector<RoomKey> body;
  for (int i = 0; i < 1234; ++i) {
    const std::string session = std::to_string((i * 7919) % 1234);
    body.push_back(key("!room" + std::to_string(i % 2), session, {0, 0, false}));
    uploaded.emplace(body.back().room_id, session);
    if (body.size() == 100 || i == 1233) {
      upload(v, body);
      body.clear();
    }
  }
  const auto all = read(v);
  ASSERT_EQ(all.size(), uploaded.size());
  std::set<std::pair<std::string, std::string>> read_back;
  for (size_t i = 0; i < all.size(); ++i) {
    read_back.emplace(all[i].room_id, all[i].session_id);
    if (i > 0) {
      EXPECT_LE(all[i - 1].room_id, all[i].room_id) << "one room after another";
    }
  }
  EXPECT_EQ(read_back, uploaded);
  const std::string room = "!room1";
  EXPECT_EQ(read(v, KeyScope{&room, nullptr}).size(), 617u);
}

TEST_P(ServiceTest, IdsAreExactBytes) {
  const std::string v = create();
  const std::string key_emoji = "\xF0\x9F\x94\x91";
  upload(v, {key("!abc:x", "s", {0, 0, false}, "\"lower\""),
             key("!ABC:x", "s", {0, 0, false}, "\"upper\""),
             key("!" + key_emoji + ":x", "S" + key_emoji, {0, 0, false}, "\"emoji\"")});
  EXPECT_EQ(service_->get_key("@alice:x", v, "!abc:x", "s").value().session_data, "\"lower\"");
  EXPECT_EQ(service_->get_key("@alice:x", v, "!ABC:x", "s").value().session_data, "\"upper\"");
  EXPECT_EQ(service_->get_key("@alice:x", v, "!" + key_emoji + ":x", "S" + key_emoji)
                .value()
                .session_data,
            "\"emoji\"");
  EXPECT_EQ(service_->get_key("@alice:x", v, "!abc:x", "S").status().message(), "Key not found");
}

TEST_P(ServiceTest, UsersAreIsolated) {
  const std::string alice = create("@alice:x");
  upload(alice, {key("!r", "s", {0, 0, false}, "\"alice\"")});
  const std::string bob = create("@bob:x");
  upload(bob, {key("!r", "s", {0, 0, false}, "\"bob\"")}, "@bob:x");
  EXPECT_EQ(service_->get_key("@alice:x", alice, "!r", "s").value().session_data, "\"alice\"");
  EXPECT_EQ(service_->get_key("@bob:x", bob, "!r", "s").value().session_data, "\"bob\"");
  ASSERT_TRUE(service_->delete_keys("@bob:x", bob, KeyScope{}).is_ok());
  EXPECT_EQ(read(alice).size(), 1u);
  EXPECT_EQ(service_->delete_version("@carol:x", "1").code(), Code::kNotFound);
}

TEST_P(ServiceTest, PurgeRoomBumpsTheEtagOfEveryTouchedVersion) {
  const std::string a = create("@alice:x");
  upload(a, {key("!gone", "1", {0, 0, false}), key("!gone", "2", {0, 0, false}),
             key("!kept", "1", {0, 0, false})});
  const std::string b = create("@bob:x");
  upload(b, {key("!kept", "1", {0, 0, false})}, "@bob:x");
  const BackupVersion alice_before = service_->get_version("@alice:x", std::nullopt).value();
  const BackupVersion bob_before = service_->get_version("@bob:x", std::nullopt).value();
  ASSERT_TRUE(service_->purge_room("!gone").is_ok());
  const BackupVersion alice_after = service_->get_version("@alice:x", std::nullopt).value();
  const BackupVersion bob_after = service_->get_version("@bob:x", std::nullopt).value();
  EXPECT_EQ(alice_after.count, 1);
  EXPECT_NE(alice_after.etag, alice_before.etag);
  EXPECT_EQ(bob_after.etag, bob_before.etag);
  EXPECT_EQ(read(a).size(), 1u);
}

TEST_P(ServiceTest, PurgeUserRemovesEverything) {
  const std::string v = create();
  upload(v, {key("!r", "s", {0, 0, false})});
  ASSERT_TRUE(service_->purge_user("@alice:x").is_ok());
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).status().code(), Code::kNotFound);
  EXPECT_EQ(service_->get_version("@alice:x", std::string_view(v)).status().code(),
            Code::kNotFound);
}

TEST_P(ServiceTest, ConcurrentUploadsOfTheSameSessionsKeepTheWinner) {
  const std::string v = create();
  constexpr int kDevices = 8, kSessions = 50;
  std::vector<std::thread> devices;
  for (int d = 0; d < kDevices; ++d) {
    devices.emplace_back([&, d] {
      std::vector<RoomKey> keys;
      for (int s = 0; s < kSessions; ++s) {
        // Device 3 holds the best key of every session.
        keys.push_back(key("!r", std::to_string(s), {d == 3 ? 0 : 10 + d, d, false},
                           "\"device " + std::to_string(d) + "\""));
      }
      auto outcome = service_->upload_keys("@alice:x", v, keys);
      EXPECT_TRUE(outcome.is_ok()) << outcome.status().message();
    });
  }
  for (auto& t : devices) t.join();
  const auto keys = read(v);
  ASSERT_EQ(keys.size(), static_cast<size_t>(kSessions));
  for (const RoomKey& k : keys) EXPECT_EQ(k.session_data, "\"device 3\"");
  EXPECT_EQ(service_->get_version("@alice:x", std::nullopt).value().count, kSessions);
}

// One user's writers take turns (the next one may start while the last one commits): every
// upload of new keys sees the count its predecessor left and adds to it, so the counts they
// answer are exactly 4, 8, ... with none lost or repeated.
TEST_P(ServiceTest, ConcurrentUploadsOfOneUserEachCountFromTheLast) {
  const std::string v = create();
  constexpr int kDevices = 4, kUploads = 25, kKeys = 4;
  std::mutex mutex;
  std::set<int64_t> counts, etags;
  std::vector<std::thread> devices;
  for (int d = 0; d < kDevices; ++d) {
    devices.emplace_back([&, d] {
      for (int u = 0; u < kUploads; ++u) {
        std::vector<RoomKey> keys;
        for (int k = 0; k < kKeys; ++k) {
          keys.push_back(
              key("!r" + std::to_string(k), std::to_string(d * 1000 + u), {0, 0, false}));
        }
        auto outcome = service_->upload_keys("@alice:x", v, keys);
        ASSERT_TRUE(outcome.is_ok()) << outcome.status().message();
        std::lock_guard<std::mutex> lock(mutex);
        counts.insert(outcome.value().count);
        etags.insert(outcome.value().etag);
      }
    });
  }
  for (auto& t : devices) t.join();
  constexpr int kTotal = kDevices * kUploads;
  ASSERT_EQ(counts.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(*counts.begin(), kKeys);
  EXPECT_EQ(*counts.rbegin(), kTotal * kKeys);
  EXPECT_EQ(etags.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(read(v).size(), static_cast<size_t>(kTotal * kKeys));
}

TEST_P(ServiceTest, ConcurrentCreatesGetDistinctIds) {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<int64_t> ids;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto id = service_->create_version("@alice:x", "alg", "{}");
      ASSERT_TRUE(id.is_ok()) << id.status().message();
      std::lock_guard<std::mutex> lock(mutex);
      ids.insert(id.value());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 8u);
  EXPECT_EQ(*ids.rbegin(), 8);
}

ROOMKEYS_ON_BOTH_BACKENDS(ServiceTest);

}  // namespace
}  // namespace roomkeys

// The admin API: opened only by admin tokens; purges exactly what it names; stats without key
// material.
#include <fstream>

#include "companion/companion_fixture.h"

namespace roomkeys::testing {
namespace {

const std::string kAdmin = "/_roomkeys/admin/v1";
const std::string kAdminToken = "admin-secret-0123456789";

class AdminApi : public CompanionTest {
 protected:
  void SetUp() override {
    std::ofstream(dir_.file("admin-tokens")) << "# for the purge hook\n" << kAdminToken << "\n";
    start_roomkeys({"--admin-tokens-file", dir_.file("admin-tokens")});
    alice_ = homeserver_.login("@alice:hs.test");
    bob_ = homeserver_.login("@bob:hs.test");
    for (const std::string* token : {&alice_, &bob_}) {
      ASSERT_EQ(call("POST", kVersionPath, *token, kCreateBody).status, 200);
      ASSERT_EQ(
          call("PUT", kKeysPath + "?version=1", *token, one_key("!shared:hs.test", "s1", 0)).status,
          200);
      ASSERT_EQ(
          call("PUT", kKeysPath + "?version=1", *token, one_key("!own:hs.test", "s2", 0)).status,
          200);
    }
  }

  long keys_of(const std::string& token) {
    auto r = call("GET", kVersionPath, token);
    return r.status == 200 ? r.json().at("count").get<long>() : -1;
  }

  std::string alice_, bob_;
};

TEST_F(AdminApi, UserTokensAndNoTokenNeverOpenIt) {
  for (const std::string& token : {alice_, std::string(), std::string("wrong")}) {
    expect_error(call("DELETE", kAdmin + "/users/%40alice%3Ahs.test", token), 403, "M_FORBIDDEN");
    expect_error(call("GET", kAdmin + "/users/%40alice%3Ahs.test", token), 403, "M_FORBIDDEN");
    expect_error(call("DELETE", kAdmin + "/rooms/%21shared%3Ahs.test", token), 403, "M_FORBIDDEN");
  }
  EXPECT_EQ(keys_of(alice_), 2);
  EXPECT_EQ(keys_of(bob_), 2);
}

TEST_F(AdminApi, UserStatsShowCountsAndSizesButNoKeyMaterial) {
  auto r = call("GET", kAdmin + "/users/%40alice%3Ahs.test", kAdminToken);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto stats = r.json();
  EXPECT_EQ(stats.at("user_id"), "@alice:hs.test");
  EXPECT_EQ(stats.at("keys"), 2);
  EXPECT_EQ(stats.at("bytes"), 2 * std::string(R"({"ciphertext":"c"})").size());
  ASSERT_EQ(stats.at("versions").size(), 1u);
  const auto& v = stats.at("versions")[0];
  EXPECT_EQ(v.at("version"), "1");
  EXPECT_EQ(v.at("algorithm"), "m.megolm_backup.v1.curve25519-aes-sha2");
  EXPECT_EQ(v.at("count"), 2);
  EXPECT_EQ(v.at("deleted"), false);
  EXPECT_TRUE(v.at("etag").is_string());
  EXPECT_EQ(r.body.find("ciphertext"), std::string::npos);
  EXPECT_EQ(r.body.find("public_key"), std::string::npos);

  auto totals = call("GET", kAdmin + "/stats", kAdminToken);
  ASSERT_EQ(totals.status, 200) << totals.body;
  EXPECT_EQ(totals.json().at("users"), 2);
  EXPECT_EQ(totals.json().at("versions"), 2);
  EXPECT_EQ(totals.json().at("keys"), 4);

  auto nobody = call("GET", kAdmin + "/users/%40nobody%3Ahs.test", kAdminToken);
  ASSERT_EQ(nobody.status, 200);
  EXPECT_EQ(nobody.json().at("versions").size(), 0u);
}

TEST_F(AdminApi, PurgeUserRemovesThatUserOnly) {
  auto r = call("DELETE", kAdmin + "/users/%40alice%3Ahs.test", kAdminToken);
  ASSERT_EQ(r.status, 200) << r.body;
  expect_error(call("GET", kVersionPath, alice_), 404, "M_NOT_FOUND");
  EXPECT_EQ(keys_of(bob_), 2);
  // The purged version id is never handed out again.
  EXPECT_EQ(call("POST", kVersionPath, alice_, kCreateBody).json().at("version"), "2");
  auto stats = call("GET", kAdmin + "/users/%40alice%3Ahs.test", kAdminToken).json();
  EXPECT_EQ(stats.at("versions")[0].at("deleted"), true);
}

TEST_F(AdminApi, PurgeRoomRemovesThatRoomFromEveryone) {
  const std::string etag_before = call("GET", kVersionPath, alice_).json().at("etag");
  ASSERT_EQ(call("DELETE", kAdmin + "/rooms/%21shared%3Ahs.test", kAdminToken).status, 200);
  for (const std::string* token : {&alice_, &bob_}) {
    auto keys = call("GET", kKeysPath + "?version=1", *token).json().at("rooms");
    EXPECT_EQ(keys.size(), 1u);
    EXPECT_TRUE(keys.contains("!own:hs.test"));
    EXPECT_EQ(keys_of(*token), 1);
  }
  EXPECT_NE(call("GET", kVersionPath, alice_).json().at("etag"), etag_before);
}

TEST_F(AdminApi, BadIdsAndMethodsAreClearErrors) {
  expect_error(call("DELETE", kAdmin + "/users/alice", kAdminToken), 400, "M_INVALID_PARAM");
  expect_error(call("DELETE", kAdmin + "/rooms/%40alice%3Ahs.test", kAdminToken), 400,
               "M_INVALID_PARAM");
  expect_error(call("DELETE", kAdmin + "/users/%FF", kAdminToken), 400, "M_INVALID_PARAM");
  expect_error(call("PUT", kAdmin + "/users/%40alice%3Ahs.test", kAdminToken), 405,
               "M_UNRECOGNIZED");
  expect_error(call("GET", kAdmin + "/nothing/here", kAdminToken), 404, "M_UNRECOGNIZED");
  EXPECT_EQ(keys_of(alice_), 2);
}

TEST_F(AdminApi, OffUnlessAdminTokensAreGiven) {
  start_roomkeys();
  expect_error(call("GET", kAdmin + "/stats", kAdminToken), 404, "M_UNRECOGNIZED");
  expect_error(call("DELETE", kAdmin + "/users/%40alice%3Ahs.test", kAdminToken), 404,
               "M_UNRECOGNIZED");
  EXPECT_EQ(keys_of(alice_), 2);
}

}  // namespace
}  // namespace roomkeys::testing

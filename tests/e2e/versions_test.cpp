// BEHAVIOUR.md "Versions", over real HTTP.
#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using VersionsTest = E2eTest;

TEST_P(VersionsTest, CreateThenReadTheCurrentBackupUnderEveryPrefix) {
  EXPECT_EQ(
      create_version(kAlice, R"({"public_key":"abc","signatures":{"@alice:example.org":{}}})"),
      "1");
  for (const char* prefix : kPrefixes) {
    auto r = client_->request("GET", std::string(prefix) + "/room_keys/version", "", kAlice);
    ASSERT_EQ(r.status, 200) << prefix;
    const auto json = r.json();
    EXPECT_EQ(json["algorithm"], "m.megolm_backup.v1.curve25519-aes-sha2");
    EXPECT_EQ(
        json["auth_data"],
        nlohmann::json::parse(R"({"public_key":"abc","signatures":{"@alice:example.org":{}}})"));
    EXPECT_EQ(json["count"], 0);
    EXPECT_TRUE(json["etag"].is_string());
    EXPECT_EQ(json["version"], "1");
    auto by_id = client_->request("GET", std::string(prefix) + "/room_keys/version/1", "", kAlice);
    EXPECT_EQ(by_id.json(), json);
  }
}

TEST_P(VersionsTest, NoBackupIsNotFound) {
  expect_error(call("GET", "/room_keys/version"), 404, "M_NOT_FOUND");
}

TEST_P(VersionsTest, IdsIncreaseAndAreNeverReused) {
  EXPECT_EQ(create_version(), "1");
  EXPECT_EQ(create_version(), "2");
  EXPECT_EQ(call("DELETE", "/room_keys/version/2").status, 200);
  EXPECT_EQ(create_version(), "3");
  EXPECT_EQ(call("DELETE", "/room_keys/version/3").status, 200);
  EXPECT_EQ(call("DELETE", "/room_keys/version/1").status, 200);
  EXPECT_EQ(create_version(), "4");
}

TEST_P(VersionsTest, DeletingTheNewestMakesTheOlderCurrentAgain) {
  create_version();
  create_version();
  EXPECT_EQ(call("GET", "/room_keys/version").json()["version"], "2");
  ASSERT_EQ(call("DELETE", "/room_keys/version/2").body, "{}");
  EXPECT_EQ(call("GET", "/room_keys/version").json()["version"], "1");
  ASSERT_EQ(call("DELETE", "/room_keys/version/1").status, 200);
  expect_error(call("GET", "/room_keys/version"), 404, "M_NOT_FOUND");
}

TEST_P(VersionsTest, DeletedOrUnknownVersionsAreNotFound) {
  create_version();
  call("DELETE", "/room_keys/version/1");
  for (const char* v : {"1", "2", "abc", "01", "-1"}) {
    expect_error(call("GET", std::string("/room_keys/version/") + v), 404, "M_NOT_FOUND");
  }
}

TEST_P(VersionsTest, DeleteIsIdempotentForVersionsThatExisted) {
  create_version();
  auto first = call("DELETE", "/room_keys/version/1");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.json(), nlohmann::json::object());
  EXPECT_EQ(call("DELETE", "/room_keys/version/1").status, 200);
  expect_error(call("DELETE", "/room_keys/version/7"), 404, "M_NOT_FOUND");
  expect_error(call("DELETE", "/room_keys/version/seven"), 404, "M_NOT_FOUND");
}

TEST_P(VersionsTest, CreateValidatesTheBody) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"auth_data":{}})", "M_BAD_JSON"},
      {R"({"algorithm":"","auth_data":{}})", "M_BAD_JSON"},
      {R"({"algorithm":5,"auth_data":{}})", "M_BAD_JSON"},
      {R"({"algorithm":"a"})", "M_BAD_JSON"},
      {R"({"algorithm":"a","auth_data":null})", "M_BAD_JSON"},
      {R"(not json)", "M_NOT_JSON"},
      {R"([1,2])", "M_NOT_JSON"},
      {"", "M_NOT_JSON"},
  };
  for (const auto& [body, errcode] : cases) {
    expect_error(call("POST", "/room_keys/version", body), 400, errcode);
  }
  expect_error(call("GET", "/room_keys/version"), 404, "M_NOT_FOUND");  // nothing created
}

TEST_P(VersionsTest, AuthDataMayBeAnyJsonValueAndComesBackAsStored) {
  for (const char* auth_data : {R"("a string")", R"([1,"x"])", R"({"z":1,"a":{"b":[true]}})"}) {
    const std::string v = create_version(kAlice, auth_data);
    auto r = call("GET", "/room_keys/version/" + v);
    EXPECT_EQ(r.json()["auth_data"], nlohmann::json::parse(auth_data));
    EXPECT_NE(r.body.find(auth_data), std::string::npos) << r.body;  // byte for byte
  }
}

TEST_P(VersionsTest, UpdateChangesOnlyAuthData) {
  const std::string v = create_version();
  call("PUT", "/room_keys/keys?version=" + v, one_key_body("!r:x", "s", key_json(0, 0, false)));
  const auto before = call("GET", "/room_keys/version").json();
  auto r = call(
      "PUT", "/room_keys/version/" + v,
      R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"new":1},"version":")" +
          v + "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), nlohmann::json::object());
  const auto after = call("GET", "/room_keys/version").json();
  EXPECT_EQ(after["auth_data"], nlohmann::json::parse(R"({"new":1})"));
  EXPECT_EQ(after["etag"], before["etag"]);
  EXPECT_EQ(after["count"], before["count"]);
  EXPECT_EQ(after["count"], 1);
}

TEST_P(VersionsTest, UpdateErrors) {
  const std::string v = create_version();
  const std::string alg = R"("algorithm":"m.megolm_backup.v1.curve25519-aes-sha2")";
  expect_error(call("PUT", "/room_keys/version/9", "{" + alg + R"(,"auth_data":{}})"), 404,
               "M_NOT_FOUND");
  expect_error(call("PUT", "/room_keys/version/" + v, R"({"auth_data":{}})"), 400, "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/version/" + v, "{" + alg + "}"), 400, "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/version/" + v, R"({"algorithm":"other","auth_data":{}})"),
               400, "M_INVALID_PARAM");
  expect_error(
      call("PUT", "/room_keys/version/" + v, "{" + alg + R"(,"auth_data":{},"version":"2"})"), 400,
      "M_INVALID_PARAM");
  expect_error(call("PUT", "/room_keys/version/" + v, "nope"), 400, "M_NOT_JSON");
  call("DELETE", "/room_keys/version/" + v);
  expect_error(call("PUT", "/room_keys/version/" + v, "{" + alg + R"(,"auth_data":{}})"), 404,
               "M_NOT_FOUND");
}

TEST_P(VersionsTest, AllowListOfAlgorithms) {
  start({"--allowed-algorithms", "m.megolm_backup.v1.curve25519-aes-sha2"});
  expect_error(call("POST", "/room_keys/version", R"({"algorithm":"other","auth_data":{}})"), 400,
               "M_INVALID_PARAM");
  EXPECT_EQ(create_version(), "1");
}

TEST_P(VersionsTest, UsersHaveTheirOwnVersions) {
  EXPECT_EQ(create_version(kAlice), "1");
  expect_error(call("GET", "/room_keys/version", "", kBob), 404, "M_NOT_FOUND");
  expect_error(call("GET", "/room_keys/version/1", "", kBob), 404, "M_NOT_FOUND");
  expect_error(call("DELETE", "/room_keys/version/1", "", kBob), 404, "M_NOT_FOUND");
  EXPECT_EQ(create_version(kBob), "1");
  EXPECT_EQ(call("GET", "/room_keys/version/1").status, 200);  // alice's is untouched
}

ROOMKEYS_ON_BOTH_BACKENDS(VersionsTest);

}  // namespace
}  // namespace roomkeys::testing

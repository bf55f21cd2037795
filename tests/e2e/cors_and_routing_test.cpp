// BEHAVIOUR.md "Routes": prefixes, 404 vs 405, OPTIONS and CORS, over real HTTP.
#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using RoutingTest = E2eTest;

void expect_cors(const HttpResponse& r) {
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  EXPECT_EQ(r.header("access-control-allow-methods"), "GET, POST, PUT, DELETE, OPTIONS");
  EXPECT_EQ(r.header("access-control-allow-headers"),
            "X-Requested-With, Content-Type, Authorization");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST_P(RoutingTest, EveryAnswerCarriesCorsAndJson) {
  const std::string v = create_version();
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v, key_json(0, 0, false));
  for (const auto& r :
       {call("GET", "/room_keys/version"), call("GET", "/room_keys/keys"),
        call("GET", "/room_keys/keys/!r:x"), call("GET", "/room_keys/keys/!r:x/s"),
        call("GET", "/room_keys/nothing"), call("GET", "/room_keys/version", "", ""),
        call("PATCH", "/room_keys/version"), call("GET", "/room_keys/version/9")}) {
    expect_cors(r);
  }
}

TEST_P(RoutingTest, OptionsAnswersAnyPathWithoutAuth) {
  for (const std::string& path :
       {kV3 + "/room_keys/keys", kV3 + "/room_keys/version/1", std::string("/anything/else")}) {
    auto r = client_->request("OPTIONS", path, "", "");
    EXPECT_TRUE(r.status == 204 || r.status == 200) << path;
    expect_cors(r);
  }
  expect_error(call("GET", "/room_keys/version"), 404, "M_NOT_FOUND");  // no logic ran
}

TEST_P(RoutingTest, UnknownPathsAre404Unrecognized) {
  for (const std::string& path : {kV3 + "/room_keys", kV3 + "/room_keys/keys/a/b/c",
                                  std::string("/_matrix/client/v4/room_keys/version"),
                                  std::string("/"), kV3 + "/room_keys/versionx"}) {
    expect_error(client_->request("GET", path, "", kAlice), 404, "M_UNRECOGNIZED");
  }
}

TEST_P(RoutingTest, KnownPathsWithOtherMethodsAre405Unrecognized) {
  const std::pair<const char*, const char*> cases[] = {
      {"DELETE", "/room_keys/version"}, {"PATCH", "/room_keys/version"},
      {"POST", "/room_keys/version/1"}, {"POST", "/room_keys/keys"},
      {"POST", "/room_keys/keys/!r:x"}, {"PATCH", "/room_keys/keys/!r:x/s"}};
  for (const auto& [method, path] : cases) {
    expect_error(call(method, path), 405, "M_UNRECOGNIZED");
  }
}

TEST_P(RoutingTest, AllPrefixesShareOneBackup) {
  auto created = client_->request("POST", "/_matrix/client/r0/room_keys/version",
                                  R"({"algorithm":"a","auth_data":{}})", kAlice);
  ASSERT_EQ(created.status, 200);
  ASSERT_EQ(client_
                ->request("PUT", "/_matrix/client/unstable/room_keys/keys/!r:x/s?version=1",
                          key_json(0, 0, false), kAlice)
                .status,
            200);
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x/s?version=1").status, 200);
}

ROOMKEYS_ON_BOTH_BACKENDS(RoutingTest);

}  // namespace
}  // namespace roomkeys::testing

// BEHAVIOUR.md "Errors and limits": the body-size limit and malformed requests, over real HTTP.
#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

class LimitsTest : public E2eTest {
 protected:
  void SetUp() override { start({"--max-body-bytes", "4096"}); }
};

TEST_P(LimitsTest, BodyOverTheLimitIs413TooLarge) {
  const std::string v = create_version();
  const std::string big = key_json(0, 0, false, "\"" + std::string(5000, 'x') + "\"");
  expect_error(call("PUT", "/room_keys/keys/!r:x/s?version=" + v, big), 413, "M_TOO_LARGE");
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 0);
  const std::string fits = key_json(0, 0, false, "\"" + std::string(3000, 'x') + "\"");
  EXPECT_EQ(call("PUT", "/room_keys/keys/!r:x/s?version=" + v, fits).status, 200);
}

TEST_P(LimitsTest, FarOverTheLimitIsRefusedAndTheServerLivesOn) {
  const std::string v = create_version();
  const std::string huge = key_json(0, 0, false, "\"" + std::string(4 << 20, 'x') + "\"");
  auto r = call("PUT", "/room_keys/keys/!r:x/s?version=" + v, huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 0);
}

TEST_P(LimitsTest, ErrorBodiesNeverEchoKeyMaterial) {
  const std::string v = create_version();
  auto r = call("PUT", "/room_keys/keys/!r:x/s?version=" + v,
                R"({"first_message_index":"x","session_data":{"ciphertext":"SECRET-MATERIAL"}})");
  expect_error(r, 400, "M_BAD_JSON");
  EXPECT_EQ(r.body.find("SECRET-MATERIAL"), std::string::npos);
}

TEST_P(LimitsTest, DeepOrOddJsonIsABadRequestNotACrash) {
  const std::string v = create_version();
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  expect_error(call("PUT", "/room_keys/keys?version=" + v, deep), 400, "M_NOT_JSON");
  expect_error(call("PUT", "/room_keys/keys?version=" + v,
                    R"({"rooms":{"!r":{"sessions":{"s":)" + deep.substr(0, 200) + "}}}}"),
               400, "M_NOT_JSON");
  expect_error(call("POST", "/room_keys/version", "\xFF\xFE"), 400, "M_NOT_JSON");
  EXPECT_EQ(call("GET", "/room_keys/version").status, 200);
}

}  // namespace
}  // namespace roomkeys::testing

namespace roomkeys::testing {
namespace {

class RateLimitTest : public E2eTest {
 protected:
  void SetUp() override { start({"--rate-limit", "0.5", "--rate-burst", "3"}); }
};

TEST_P(RateLimitTest, TooManyRequestsAre429WithRetryAfter) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("GET", "/room_keys/version").status, 404);
  auto limited = call("GET", "/room_keys/version");
  expect_error(limited, 429, "M_LIMIT_EXCEEDED");
  EXPECT_GT(limited.json()["retry_after_ms"].get<int64_t>(), 0);
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);
  EXPECT_EQ(limited.header("access-control-allow-origin"), "*");
  EXPECT_EQ(call("GET", "/room_keys/version", "", kBob).status, 404);  // per user
}

TEST_P(RateLimitTest, MalformedPathsAreStillAnsweredWhenLimiting) {
  expect_error(call("GET", "/room_keys/keys/%ZZ/s?version=1"), 400, "M_INVALID_PARAM");
  EXPECT_EQ(call("GET", "/room_keys/version").status, 404);  // the server lives on
}

ROOMKEYS_ON_BOTH_BACKENDS(LimitsTest);
ROOMKEYS_ON_BOTH_BACKENDS(RateLimitTest);

}  // namespace
}  // namespace roomkeys::testing

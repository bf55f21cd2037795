// How roomkeys reads each answer a homeserver's whoami can give.
#include <gtest/gtest.h>

#include "server/delegated_auth.h"
#include "server/whoami_client.h"

namespace roomkeys::server {
namespace {

using Kind = WhoamiAnswer::Kind;

WhoamiAnswer read(long status, const std::string& body, const std::string& retry_after = "") {
  return WhoamiClient::interpret(status, body, retry_after);
}

TEST(WhoamiAnswer, AUserWithItsDevice) {
  const auto a = read(200, R"({"user_id":"@a:hs.test","device_id":"DEV","is_guest":false})");
  EXPECT_EQ(a.kind, Kind::kUser);
  EXPECT_EQ(a.user_id, "@a:hs.test");
  EXPECT_EQ(a.device_id, "DEV");
  const auto result = to_auth_result(a);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.device_id, "DEV");
}

TEST(WhoamiAnswer, GuestsAreRefused) {
  const auto a = read(200, R"({"user_id":"@g:hs.test","is_guest":true})");
  EXPECT_EQ(a.kind, Kind::kRejected);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.errcode, "M_GUEST_ACCESS_FORBIDDEN");
}

TEST(WhoamiAnswer, RefusalsKeepStatusErrcodeTextAndSoftLogout) {
  const auto a = read(401, R"({"errcode":"M_UNKNOWN_TOKEN","error":"expired","soft_logout":true})");
  EXPECT_EQ(a.kind, Kind::kRejected);
  const auto result = to_auth_result(a);
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.errcode, "M_UNKNOWN_TOKEN");
  EXPECT_EQ(result.error, "expired");
  EXPECT_EQ(result.soft_logout, true);
  const auto forbidden = read(403, R"({"errcode":"M_FORBIDDEN"})");
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_FALSE(forbidden.soft_logout.has_value());
  EXPECT_FALSE(forbidden.error.empty());
}

TEST(WhoamiAnswer, RateLimitsCarryTheWait) {
  EXPECT_EQ(read(429, R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2500})").retry_after_ms,
            2500);
  EXPECT_EQ(read(429, "", "3").retry_after_ms, 3000);  // the header, when the body has none
  EXPECT_EQ(read(429, "").retry_after_ms, 1000);       // neither: a second
  const auto result = to_auth_result(read(429, R"({"retry_after_ms":10})"));
  EXPECT_EQ(result.status, 429);
  EXPECT_EQ(result.errcode, "M_LIMIT_EXCEEDED");
}

TEST(WhoamiAnswer, AnythingElseIsUnavailable) {
  for (const auto& [status, body] : std::vector<std::pair<long, std::string>>{
           {500, R"({"errcode":"M_UNKNOWN"})"},
           {502, "<html>"},
           {404, R"({"errcode":"M_UNRECOGNIZED"})"},
           {200, "not json"},
           {200, "[]"},
           {200, R"({"user_id":42})"},
           {200, R"({"user_id":"alice"})"},
           {200, R"({"user_id":"@:hs"})"},
           {200, "{\"user_id\":\"@a\\u0000:hs\"}"},
           {401, "<html>Unauthorized</html>"},
           {401, R"({"error":"no errcode"})"},
       }) {
    const auto a = read(status, body);
    EXPECT_EQ(a.kind, Kind::kUnavailable) << status << " " << body;
    const auto result = to_auth_result(a);
    EXPECT_EQ(result.status, 503);
    EXPECT_EQ(result.errcode, "M_UNKNOWN");
  }
}

TEST(WhoamiAnswer, UserIdShape) {
  EXPECT_TRUE(looks_like_user_id("@alice:example.org"));
  EXPECT_TRUE(looks_like_user_id("@ünï:例え.org"));
  EXPECT_FALSE(looks_like_user_id("alice:example.org"));
  EXPECT_FALSE(looks_like_user_id("@alice"));
  EXPECT_FALSE(looks_like_user_id("@alice:"));
  EXPECT_FALSE(looks_like_user_id("@" + std::string(300, 'a') + ":x"));
  EXPECT_FALSE(looks_like_user_id("@a\n:x"));
  EXPECT_FALSE(looks_like_user_id("@a\xff:x"));
}

}  // namespace
}  // namespace roomkeys::server

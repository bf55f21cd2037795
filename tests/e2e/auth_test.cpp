// BEHAVIOUR.md "Authentication", over real HTTP.
#include <fstream>

#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using AuthTest = E2eTest;

TEST_P(AuthTest, MissingAndUnknownTokens) {
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    const std::string path =
        std::string(method) == "POST" ? "/room_keys/version" : "/room_keys/keys";
    expect_error(call(method, path, "{}", ""), 401, "M_MISSING_TOKEN");
    expect_error(call(method, path, "{}", "wrong"), 401, "M_UNKNOWN_TOKEN");
  }
}

TEST_P(AuthTest, QueryStringTokensAreNotAccepted) {
  expect_error(call("GET", "/room_keys/version?access_token=" + kAlice, "", ""), 401,
               "M_MISSING_TOKEN");
}

TEST_P(AuthTest, NonBearerSchemesAreMissingTokens) {
  auto r = client_->request("GET", kV3 + "/room_keys/version", "", "",
                            {{"Authorization", "Basic YWxpY2U6cGFzcw=="}});
  expect_error(r, 401, "M_MISSING_TOKEN");
}

TEST_P(AuthTest, TokensFile) {
  std::ofstream(dir_.file("tokens")) << "# operator tokens\nfile-token @carol:example.org\n";
  start({"--tokens-file", dir_.file("tokens")});
  EXPECT_EQ(create_version("file-token"), "1");
  expect_error(call("GET", "/room_keys/version"), 404, "M_NOT_FOUND");  // alice has none
}

TEST(AuthWithoutTokens, GeneratesAndPrintsADevToken) {
  TempDir dir;
  ServerProcess server({"--database", "sqlite:" + dir.file("k.db")});
  const std::string marker = "access token for @dev:localhost: ";
  const auto at = server.stdout_text().find(marker);
  ASSERT_NE(at, std::string::npos) << server.stdout_text();
  const std::string token = server.stdout_text().substr(at + marker.size(), 64);
  HttpClient client(server.base_url());
  EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", token).status, 404);
  EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", "guess").status, 401);
}

ROOMKEYS_ON_BOTH_BACKENDS(AuthTest);

}  // namespace
}  // namespace roomkeys::testing

// BEHAVIOUR.md "Errors and limits": key material and tokens never reach the log. A whole session
// (every route, good requests and failing ones, database errors included) runs at trace level;
// nothing it logged or printed may hold a session_data, an auth_data or an access token.
#include <unistd.h>

#include "e2e/e2e_fixture.h"
#include "e2e/raw_connection.h"

namespace roomkeys::testing {
namespace {

const std::string kSecretToken = "tok_SECRET_TOKEN_7d1f";
const std::string kAuthSecret = "AUTH_DATA_SECRET_51c2";
const std::string kSessionSecret = "SESSION_DATA_SECRET_9ab0";
const std::string kAdminSecret = "ADMIN_TOKEN_SECRET_e4f3";

class SecretsTest : public E2eTest {
 protected:
  void SetUp() override {
    const std::string admin_file = dir_.file("admin-tokens");
    FILE* f = fopen(admin_file.c_str(), "w");
    fprintf(f, "%s\n", kAdminSecret.c_str());
    fclose(f);
    start({"--log-level", "trace", "--token", kSecretToken + "=@s:example.org",
           "--admin-tokens-file", admin_file, "--max-body-bytes", "65536"});
  }
  HttpResponse as_secret(const std::string& method, const std::string& path,
                         const std::string& body = "") {
    return client_->request(method, kV3 + path, body, kSecretToken);
  }
};

TEST_P(SecretsTest, AWholeSessionAtTraceLevelLogsNoSecret) {
  const std::string auth_data = R"({"public_key":")" + kAuthSecret + R"("})";
  const std::string create =
      R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":)" + auth_data + "}";
  ASSERT_EQ(as_secret("POST", "/room_keys/version", create).status, 200);
  as_secret("PUT", "/room_keys/version/1",
            create.substr(0, create.size() - 1) + R"(,"version":"1"})");
  as_secret("PUT", "/room_keys/version/1",
            create.substr(0, create.size() - 1) + R"(,"version":"2"})");
  const std::string key =
      key_json(1, 0, false, R"({"ciphertext":")" + kSessionSecret + R"(","mac":"m"})");
  ASSERT_EQ(as_secret("PUT", "/room_keys/keys/!r:x/s1?version=1", key).status, 200);
  as_secret("PUT", "/room_keys/keys?version=1", one_key_body("!r:x", "s2", key));
  as_secret("PUT", "/room_keys/keys/!r:x?version=1", R"({"sessions":{"s3":)" + key + "}}");
  as_secret("GET", "/room_keys/keys?version=1");
  as_secret("GET", "/room_keys/keys/!r:x/s1?version=1");
  // Failing requests that carry secrets: bad JSON around them, a wrong version, too large.
  as_secret("PUT", "/room_keys/keys/!r:x/s1?version=1", "{\"x\":\"" + kSessionSecret);
  as_secret("PUT", "/room_keys/keys/!r:x/s1?version=7", key);
  as_secret("PUT", "/room_keys/keys/!r:x/s1?version=1",
            key_json(1, 0, false, "\"" + kSessionSecret + std::string(70000, 'x') + "\""));
  as_secret("POST", "/room_keys/version", R"({"algorithm":"","auth_data":)" + auth_data + "}");
  client_->request("GET", kV3 + "/room_keys/version", "", kSecretToken + "x");  // unknown token
  // Framing errors with a secret in the head or the body.
  RawConnection raw(server_->port());
  raw.send("PUT " + kV3 +
           "/room_keys/keys?version=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
           kSecretToken + "\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n" + kSessionSecret);
  raw.answer();
  // The admin API, with its token and a user token.
  client_->request("GET", "/_roomkeys/admin/v1/users/@s:example.org", "", kAdminSecret);
  client_->request("GET", "/_roomkeys/admin/v1/stats", "", kSecretToken);
  as_secret("DELETE", "/room_keys/keys/!r:x/s1?version=1");
  as_secret("DELETE", "/room_keys/version/1");
  ASSERT_EQ(server_->stop(), 0);

  const std::string output = server_->stdout_text() + server_->stderr_text();
  EXPECT_NE(output.find("listening on"), std::string::npos);  // the output was captured
  for (const std::string& secret : {kSecretToken, kAuthSecret, kSessionSecret, kAdminSecret}) {
    EXPECT_EQ(output.find(secret), std::string::npos) << secret << " in:\n" << output;
  }
}

INSTANTIATE_TEST_SUITE_P(Db, SecretsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kMariadb),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace roomkeys::testing

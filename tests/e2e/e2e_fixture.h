// One fresh roomkeys-server per test, on its own SQLite file, with two users.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/temp_dir.h"
#include "support/test_database.h"

namespace roomkeys::testing {

inline const std::string kAlice = "alice-token";  // @alice:example.org
inline const std::string kBob = "bob-token";      // @bob:example.org
inline const std::string kV3 = "/_matrix/client/v3";
inline const char* const kPrefixes[] = {"/_matrix/client/v3", "/_matrix/client/r0",
                                        "/_matrix/client/unstable"};

class E2eTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override { start(); }

  // `env`: NAME=VALUE added to the server's environment.
  void start(std::vector<std::string> extra = {}, const std::vector<std::string>& env = {}) {
    server_.reset();
    if (!db_) db_ = std::make_unique<TestDatabase>(GetParam());
    std::vector<std::string> args = {"--database", db_->url(),
                                     "--token",    kAlice + "=@alice:example.org",
                                     "--token",    kBob + "=@bob:example.org"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(args, env);
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "", const std::string& token = kAlice) {
    return client_->request(method, kV3 + path, body, token);
  }

  std::string create_version(const std::string& token = kAlice,
                             const std::string& auth_data = R"({"public_key":"abc"})") {
    auto r = call(
        "POST", "/room_keys/version",
        R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":)" + auth_data + "}",
        token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("version").get<std::string>();
  }

  static std::string key_json(int first_message_index, int forwarded_count, bool verified,
                              const std::string& session_data = R"({"ciphertext":"c"})") {
    return "{\"first_message_index\":" + std::to_string(first_message_index) +
           ",\"forwarded_count\":" + std::to_string(forwarded_count) +
           ",\"is_verified\":" + (verified ? "true" : "false") +
           ",\"session_data\":" + session_data + "}";
  }

  static std::string one_key_body(const std::string& room, const std::string& session,
                                  const std::string& key) {
    return R"({"rooms":{")" + room + R"(":{"sessions":{")" + session + "\":" + key + "}}}}";
  }

  static void expect_error(const HttpResponse& r, long status, const std::string& errcode) {
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_TRUE(nlohmann::json::accept(r.body)) << r.body;
    EXPECT_EQ(r.json().value("errcode", ""), errcode) << r.body;
    EXPECT_TRUE(r.json().contains("error")) << r.body;
  }

  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace roomkeys::testing

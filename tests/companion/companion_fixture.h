// roomkeys-server as a homeserver companion: a homeserver stand-in that issues the tokens, and a
// roomkeys-server (SQLite) that checks them with it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "companion/homeserver_standin.h"
#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/temp_dir.h"

namespace roomkeys::testing {

inline const std::string kKeysPath = "/_matrix/client/v3/room_keys/keys";
inline const std::string kVersionPath = "/_matrix/client/v3/room_keys/version";
inline const std::string kCreateBody =
    R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"pk"}})";

class CompanionTest : public ::testing::Test {
 protected:
  void start_roomkeys(std::vector<std::string> extra = {}) {
    server_.reset();
    std::vector<std::string> args = {"--database",           "sqlite:" + dir_.path() + "/rk.db",
                                     "--homeserver",         homeserver_.base_url(),
                                     "--homeserver-timeout", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(args);
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "") {
    return client_->request(method, path, body, token);
  }

  static std::string one_key(const std::string& room, const std::string& session, int index) {
    return R"({"rooms":{")" + room + R"(":{"sessions":{")" + session +
           R"(":{"first_message_index":)" + std::to_string(index) +
           R"(,"forwarded_count":0,"is_verified":true,"session_data":{"ciphertext":"c"}}}}}})";
  }

  static void expect_error(const HttpResponse& r, long status, const std::string& errcode) {
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_TRUE(nlohmann::json::accept(r.body)) << r.body;
    EXPECT_EQ(r.json().value("errcode", ""), errcode) << r.body;
    EXPECT_TRUE(r.json().at("error").is_string()) << r.body;
  }

  TempDir dir_;
  HomeserverStandin homeserver_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace roomkeys::testing

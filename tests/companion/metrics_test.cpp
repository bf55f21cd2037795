// /metrics: the host's figures and the module's (through the ABI), moving as requests come.
#include <sstream>

#include "companion/companion_fixture.h"

namespace roomkeys::testing {
namespace {

// The value of the sample `name` whose labels include every one of `labels` (k="v" pairs);
// -1 when there is none.
double sample(const std::string& text, const std::string& name,
              const std::vector<std::string>& labels = {}) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    if (line.substr(0, name_end) != name) continue;
    bool all = true;
    for (const auto& label : labels) all &= line.find(label) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

class Metrics : public CompanionTest {
 protected:
  void SetUp() override {
    start_roomkeys({"--metrics-listen", "127.0.0.1:0", "--rate-limit", "1", "--rate-burst", "3"});
    const std::string& out = server_->stdout_text();
    const auto at = out.find("metrics on port ");
    ASSERT_NE(at, std::string::npos) << out;
    metrics_ = std::make_unique<HttpClient>("http://127.0.0.1:" +
                                            std::to_string(std::stoi(out.substr(at + 16))));
  }

  std::string scrape() {
    auto r = metrics_->request("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
    return r.body;
  }

  std::unique_ptr<HttpClient> metrics_;
};

TEST_F(Metrics, RequestsAuthAndTheModuleAreCounted) {
  const std::string token = homeserver_.login("@alice:hs.test");
  ASSERT_EQ(call("POST", kVersionPath, token, kCreateBody).status, 200);
  ASSERT_EQ(call("PUT", kKeysPath + "?version=1", token, one_key("!r:hs.test", "s", 0)).status,
            200);
  call("GET", "/_matrix/client/v3/nothing", token);
  std::string text = scrape();

  EXPECT_EQ(sample(text, "roomkeys_http_requests_total",
                   {R"(route="/_matrix/client/v3/room_keys/version")", R"(method="POST")",
                    R"(status="200")"}),
            1);
  EXPECT_EQ(sample(text, "roomkeys_http_requests_total",
                   {R"(route="/_matrix/client/v3/room_keys/keys")", R"(method="PUT")",
                    R"(status="200")"}),
            1);
  EXPECT_EQ(
      sample(text, "roomkeys_http_requests_total", {R"(route="unmatched")", R"(status="404")"}), 1);
  EXPECT_EQ(sample(text, "roomkeys_http_request_duration_seconds_count",
                   {R"(route="/_matrix/client/v3/room_keys/keys")"}),
            1);
  EXPECT_EQ(sample(text, "roomkeys_http_requests_in_flight"), 0);
  EXPECT_EQ(sample(text, "roomkeys_auth_cache_lookups_total", {R"(result="miss")"}), 1);
  EXPECT_EQ(sample(text, "roomkeys_auth_cache_lookups_total", {R"(result="hit")"}), 1);
  EXPECT_EQ(sample(text, "roomkeys_homeserver_whoami_total", {R"(outcome="user")"}), 1);
  EXPECT_EQ(sample(text, "roomkeys_homeserver_whoami_duration_seconds_count"), 1);
  // The module's own figures, through the ABI: two writes, each its own group on SQLite.
  EXPECT_EQ(sample(text, "roomkeys_db_write_group_size_count"), 2);
  EXPECT_EQ(sample(text, "roomkeys_db_write_group_size_bucket", {R"(le="1")"}), 2);
  EXPECT_GE(sample(text, "roomkeys_db_connection_wait_seconds_count"), 2);
  EXPECT_EQ(sample(text, "roomkeys_db_retries_total"), 0);
  EXPECT_EQ(sample(text, "roomkeys_db_reconnects_total"), 0);

  // Values move; rate-limited requests (burst 3 at 1/s) and homeserver failures are counted.
  for (int i = 0; i < 5; ++i) call("GET", kVersionPath, token);
  homeserver_.stop();
  call("GET", kVersionPath, homeserver_.login("@bob:hs.test"));
  text = scrape();
  EXPECT_GE(sample(text, "roomkeys_rate_limited_requests_total", {R"(reason="user")"}), 1);
  EXPECT_GE(sample(text, "roomkeys_http_requests_total",
                   {R"(route="/_matrix/client/v3/room_keys/version")", R"(status="429")"}),
            1);
  EXPECT_EQ(sample(text, "roomkeys_homeserver_whoami_total", {R"(outcome="unavailable")"}), 1);
  EXPECT_GE(sample(text, "roomkeys_db_write_group_size_count"), 2);
}

}  // namespace
}  // namespace roomkeys::testing

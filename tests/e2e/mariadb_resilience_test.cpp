// roomkeys-server on MariaDB under the real load: many devices of one user at once, two server
// processes on one database, and the database going away and coming back mid-load.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> server_args(const std::string& database) {
  return {"--database", database, "--token", kAlice + "=@alice:example.org", "--threads", "4"};
}

std::string key_body(const std::string& session_data, int index, int forwards, bool verified) {
  return "{\"first_message_index\":" + std::to_string(index) +
         ",\"forwarded_count\":" + std::to_string(forwards) +
         ",\"is_verified\":" + (verified ? "true" : "false") + ",\"session_data\":\"" +
         session_data + "\"}";
}

TEST(MariadbResilience, TwoServersManyDevicesOneWinner) {
  TestDatabase db(TestBackend::kMariadb);
  ServerProcess a(server_args(db.url())), b(server_args(db.url()));
  HttpClient client_a(a.base_url()), client_b(b.base_url());

  // Parallel creates through both servers: distinct, increasing ids.
  std::mutex mutex;
  std::set<int> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      auto r =
          (i % 2 ? client_a : client_b)
              .request("POST", kV3 + "/room_keys/version",
                       R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{}})",
                       kAlice);
      ASSERT_EQ(r.status, 200) << r.body;
      std::lock_guard<std::mutex> lock(mutex);
      ids.insert(std::stoi(r.json()["version"].get<std::string>()));
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), 10u);
  EXPECT_EQ(*ids.rbegin(), 10);

  // Ten devices upload the same 50 new sessions at about the same moment.
  constexpr int kDevices = 10, kSessions = 50;
  std::atomic<int> failures{0};
  threads.clear();
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      std::string body = R"({"rooms":{"!room:example.org":{"sessions":{)";
      for (int s = 0; s < kSessions; ++s) {
        // Device 7 has the best key: verified and from message 0; the others are worse.
        body += (s ? "," : "") + std::string("\"sess") + std::to_string(s) + "\":" +
                (d == 7 ? key_body("device7", 0, 0, true)
                        : key_body("device" + std::to_string(d), 1 + d % 4, d, d % 2 == 0));
      }
      body += "}}}}";
      auto r = (d % 2 ? client_a : client_b)
                   .request("PUT", kV3 + "/room_keys/keys?version=10", body, kAlice);
      if (r.status != 200) {
        ++failures;
        ADD_FAILURE() << r.status << " " << r.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto all = client_a.request("GET", kV3 + "/room_keys/keys?version=10", "", kAlice).json();
  const auto& sessions = all["rooms"]["!room:example.org"]["sessions"];
  ASSERT_EQ(sessions.size(), static_cast<size_t>(kSessions));
  for (const auto& [id, k] : sessions.items()) EXPECT_EQ(k["session_data"], "device7") << id;
  const auto info_a = client_a.request("GET", kV3 + "/room_keys/version", "", kAlice).json();
  const auto info_b = client_b.request("GET", kV3 + "/room_keys/version", "", kAlice).json();
  EXPECT_EQ(info_a["count"], kSessions);
  EXPECT_EQ(info_a, info_b);
}

// Its own mariadbd, so that stopping it disturbs no other test.
class OutageServer {
 public:
  OutageServer() : port_(std::to_string(ROOMKEYS_OUTAGE_MARIADB_PORT)) {
    EXPECT_EQ(control("start"), 0);
    EXPECT_EQ(std::system(("mariadb --no-defaults --socket=" + dir_.path() +
                           "/db/mysqld.sock -e 'CREATE DATABASE rk_outage'")
                              .c_str()),
              0);
  }
  ~OutageServer() { control("stop"); }
  int control(const std::string& action) {
    return std::system(("bash " ROOMKEYS_MARIADB_SCRIPT " " + action + " " + dir_.path() + "/db " +
                        port_ + " > /dev/null")
                           .c_str());
  }
  std::string url() const {
    return "mysql://roomkeys:r00m%3Akeys%2Fp%40ss%25@127.0.0.1:" + port_ + "/rk_outage";
  }

 private:
  TempDir dir_;
  std::string port_;
};

TEST(MariadbResilience, DatabaseRestartMidLoadLosesNothingAndRecovers) {
  OutageServer database;
  ServerProcess server(server_args(database.url()));
  HttpClient client(server.base_url());
  ASSERT_EQ(client
                .request("POST", kV3 + "/room_keys/version",
                         R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{}})",
                         kAlice)
                .status,
            200);

  // Four devices upload 5-key batches in a loop; each batch is one request (all or nothing).
  std::atomic<bool> running{true};
  std::mutex mutex;
  std::map<long, int> statuses;
  std::set<std::string> acknowledged;  // batches answered 200
  std::set<std::string> attempted;
  std::atomic<long> slowest_error_ms{0};
  std::vector<std::thread> devices;
  for (int d = 0; d < 4; ++d) {
    devices.emplace_back([&, d] {
      for (int i = 0; running; ++i) {
        const std::string batch = "d" + std::to_string(d) + "b" + std::to_string(i);
        std::string body = "{\"sessions\":{";
        for (int k = 0; k < 5; ++k) {
          body += (k ? "," : "") + std::string("\"") + batch + "k" + std::to_string(k) +
                  "\":" + key_body(batch, 0, 0, false);
        }
        body += "}}";
        const auto started = Clock::now();
        auto r = client.request("PUT", kV3 + "/room_keys/keys/!r:x?version=1", body, kAlice);
        const long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        std::lock_guard<std::mutex> lock(mutex);
        ++statuses[r.status];
        attempted.insert(batch);
        if (r.status == 200) acknowledged.insert(batch);
        if (r.status != 200) {
          slowest_error_ms = std::max<long>(slowest_error_ms, ms);
          EXPECT_EQ(r.json()["errcode"], "M_UNKNOWN") << r.body;
        }
        if (r.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(client.request("GET", "/_roomkeys/health").body, R"({"status":"ok"})");
  ASSERT_EQ(database.control("pause"), 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const HttpResponse unhealthy = client.request("GET", "/_roomkeys/health");  // for balancers
  EXPECT_EQ(unhealthy.status, 503);
  EXPECT_EQ(unhealthy.json()["errcode"], "M_UNKNOWN");
  ASSERT_EQ(database.control("resume"), 0);
  const auto resumed = Clock::now();
  // Recovery without a restart: wait for a success after the database came back.
  size_t before = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    before = acknowledged.size();
  }
  while (Clock::now() - resumed < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> lock(mutex);
    if (acknowledged.size() > before + 8) break;
  }
  const double recovery_s = std::chrono::duration<double>(Clock::now() - resumed).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  running = false;
  for (auto& t : devices) t.join();

  for (const auto& [status, n] : statuses) {
    EXPECT_TRUE(status == 200 || status == 503) << n << " answers with status " << status;
  }
  EXPECT_GT(statuses[503], 0) << "the outage was not noticed";
  EXPECT_GT(acknowledged.size(), before) << "no recovery within 30 s";
  EXPECT_EQ(client.request("GET", "/_roomkeys/health").status, 200);
  EXPECT_LT(slowest_error_ms, 10000) << "errors must come fast, not hang";

  // Nothing acknowledged is lost, and no batch is half-written.
  auto all = client.request("GET", kV3 + "/room_keys/keys/!r:x?version=1", "", kAlice);
  ASSERT_EQ(all.status, 200);
  std::map<std::string, int> stored_per_batch;
  const auto sessions = all.json()["sessions"];
  for (const auto& [session, k] : sessions.items()) {
    ++stored_per_batch[k["session_data"].get<std::string>()];
  }
  for (const auto& batch : acknowledged) EXPECT_EQ(stored_per_batch[batch], 5) << batch;
  size_t stored = 0;
  for (const auto& [batch, n] : stored_per_batch) {
    EXPECT_EQ(n, 5) << "half-written batch " << batch;
    stored += n;
  }
  EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", kAlice).json()["count"], stored);
  std::cout << "[ figures ] requests " << attempted.size() << ", ok " << statuses[200]
            << ", 503 during outage " << statuses[503] << ", slowest error " << slowest_error_ms
            << " ms, recovered " << recovery_s << " s after restart\n";
}

}  // namespace
}  // namespace roomkeys::testing

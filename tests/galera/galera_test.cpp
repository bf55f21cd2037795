// Scale-out (docs/SCALE_OUT.md): three roomkeys-server processes, each on its own node of a real
// 3-node MariaDB Galera cluster (the CTest fixture "galera"), behind a real HAProxy. Racing
// devices across nodes, parallel version creation, read-your-writes across nodes, a database
// node killed mid-load, a roomkeys server killed, the largest body in one write set.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "companion/child_process.h"
#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/database_url.h"
#include "storage/soci_session.h"
#include "storage/temp_dir.h"
#include "support/test_database.h"

namespace roomkeys::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kNodes = 3;
const std::string kToken = "galera-token";
constexpr int kWriters = 4;  // the load tests' users, one per writer: @load0 ... @load3
std::string load_token(int writer) { return "load-token-" + std::to_string(writer); }
const std::string kV3 = "/_matrix/client/v3";
const std::string kCreate =
    R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"k"}})";

int base_port() { return ROOMKEYS_GALERA_BASE_PORT; }

std::string key(int first_message_index, const std::string& data) {
  return R"({"first_message_index":)" + std::to_string(first_message_index) +
         R"(,"forwarded_count":0,"is_verified":false,"session_data":{"ciphertext":")" + data +
         "\"}}";
}

class GaleraTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The database is made on node 1; Galera creates it on every node (DDL is replicated).
    db_ = std::make_unique<TestDatabase>(TestBackend::kMariadb);
    const std::string base = mariadb_base_url();
    const std::string name = db_->url().substr(base.size());
    wait_until_every_node_has(name);
    // All three start at once on the fresh database: their migrations race across nodes.
    std::vector<std::thread> starting;
    servers_.resize(kNodes);
    for (int n = 0; n < kNodes; ++n) {
      starting.emplace_back([this, n, name] {
        try {
          servers_[n] = std::make_unique<ServerProcess>(std::vector<std::string>{
              "--database", node_url(n, name), "--token", kToken + "=@galera:example.org",
              "--token", load_token(0) + "=@load0:example.org", "--token",
              load_token(1) + "=@load1:example.org", "--token",
              load_token(2) + "=@load2:example.org", "--token",
              load_token(3) + "=@load3:example.org", "--metrics-listen", "127.0.0.1:0", "--threads",
              "8"});
        } catch (const std::exception& e) {
          std::lock_guard lock(start_errors_mutex_);
          start_errors_ += e.what();
        }
      });
    }
    for (auto& t : starting) t.join();
    ASSERT_EQ(start_errors_, "") << "a server did not start beside the others";
    start_haproxy();
  }

  // A replicated CREATE DATABASE has returned on node 1 when the others may still be applying it
  // (a server started there at once found no such database).
  static void wait_until_every_node_has(const std::string& database) {
    for (int n = 0; n < kNodes; ++n) {
      auto sql = open_soci_session(parse_database_url(node_url(n, "information_schema")).value());
      int found = 0;
      for (int tries = 0; tries < 200 && found == 0; ++tries) {
        *sql << "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = :name",
            soci::into(found), soci::use(database);
        if (found == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ASSERT_EQ(found, 1) << "node " << n + 1 << " never saw database " << database;
    }
  }

  static std::string node_url(int node, const std::string& database) {
    return "mysql://roomkeys:r00m%3Akeys%2Fp%40ss%25@127.0.0.1:" +
           std::to_string(base_port() + node) + "/" + database;
  }

  // packaging/examples/haproxy-roomkeys.cfg as shipped, its addresses replaced.
  void start_haproxy() {
    haproxy_port_ = free_port();
    std::string config = read_text(std::string(ROOMKEYS_EXAMPLES_DIR) + "/haproxy-roomkeys.cfg");
    auto replace = [&config](const std::string& from, const std::string& to) {
      const auto at = config.find(from);
      ASSERT_NE(at, std::string::npos) << from;
      config.replace(at, from.size(), to);
    };
    replace("127.0.0.1:8448", "127.0.0.1:" + std::to_string(haproxy_port_));
    for (int n = 0; n < kNodes; ++n) {
      replace("127.0.0.1:800" + std::to_string(n + 1),
              "127.0.0.1:" + std::to_string(servers_[n]->port()));
    }
    std::ofstream(dir_.file("haproxy.cfg")) << config;
    haproxy_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"haproxy", "-db", "-f", dir_.file("haproxy.cfg")},
        std::vector<std::string>{}, dir_.file("haproxy.log"));
    ASSERT_TRUE(haproxy_->wait_for_port(haproxy_port_)) << read_text(dir_.file("haproxy.log"));
    std::this_thread::sleep_for(milliseconds(1200));  // the first health checks pass
  }

  HttpClient balanced() const {
    return HttpClient("http://127.0.0.1:" + std::to_string(haproxy_port_));
  }
  HttpClient direct(int n) const { return HttpClient(servers_[n]->base_url()); }
  static HttpResponse call(const HttpClient& client, const std::string& method,
                           const std::string& path, const std::string& body = "") {
    return client.request(method, kV3 + path, body, kToken);
  }
  static void cluster(const std::string& action, int node) {
    const std::string command = std::string("bash ") + ROOMKEYS_GALERA_SCRIPT + " " + action + " " +
                                ROOMKEYS_GALERA_DIR + " " + std::to_string(node + 1);
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  uint64_t retries(int n) const {
    const std::string& out = servers_[n]->stdout_text();
    const auto at = out.find("metrics on port ");
    if (at == std::string::npos) return 0;
    HttpClient metrics("http://127.0.0.1:" + out.substr(at + 16, out.find('\n', at) - at - 16));
    const std::string text = metrics.request("GET", "/metrics").body;
    const auto line = text.find("\nroomkeys_db_retries_total ");
    return line == std::string::npos ? 0 : std::stoull(text.substr(line + 27));
  }

  TempDir dir_;
  std::mutex start_errors_mutex_;
  std::string start_errors_;
  std::unique_ptr<TestDatabase> db_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  int haproxy_port_ = 0;
  std::unique_ptr<ChildProcess> haproxy_;
};

TEST_F(GaleraTest, SixteenDevicesRacingThroughThreeNodesKeepTheWinnerAndAnExactCount) {
  ASSERT_EQ(call(balanced(), "POST", "/room_keys/version", kCreate).status, 200);
  constexpr int kDevices = 16, kSessions = 64, kRounds = 4;
  // Every upload of a session has its own first_message_index, so exactly one key is the best.
  std::vector<int> ranks(static_cast<size_t>(kDevices) * kRounds * kSessions);
  for (size_t i = 0; i < ranks.size(); ++i) ranks[i] = static_cast<int>(i);
  std::shuffle(ranks.begin(), ranks.end(), std::mt19937(7));
  std::mutex mutex;
  std::map<int, int> best_acknowledged;  // session -> lowest first_message_index answered 200
  std::atomic<int> refused{0}, server_errors{0};
  std::vector<std::thread> devices;
  for (int d = 0; d < kDevices; ++d) {
    devices.emplace_back([&, d] {
      const HttpClient client = balanced();
      for (int round = 0; round < kRounds; ++round) {
        std::string sessions;
        std::map<int, int> sent;
        for (int s = 0; s < kSessions; ++s) {
          const int rank = ranks[(d * kRounds + round) * kSessions + s];
          sent[s] = rank;
          sessions += (s ? "," : "") + std::string("\"s") + std::to_string(s) +
                      "\":" + key(rank, "rank-" + std::to_string(rank));
        }
        auto r = call(client, "PUT", "/room_keys/keys/!race:x?version=1",
                      R"({"sessions":{)" + sessions + "}}");
        if (r.status >= 500 && r.status != 503) ++server_errors;
        if (r.status != 200) {
          ++refused;
          continue;
        }
        std::lock_guard lock(mutex);
        for (const auto& [s, rank] : sent) {
          auto it = best_acknowledged.find(s);
          if (it == best_acknowledged.end() || rank < it->second) best_acknowledged[s] = rank;
        }
      }
    });
  }
  for (auto& t : devices) t.join();
  EXPECT_EQ(server_errors.load(), 0);
  EXPECT_EQ(refused.load(), 0) << "certification conflicts are retried, not answered";
  ASSERT_EQ(best_acknowledged.size(), static_cast<size_t>(kSessions));

  std::string first_keys, first_etag;
  for (int n = 0; n < kNodes; ++n) {
    const HttpClient client = direct(n);
    auto version = call(client, "GET", "/room_keys/version");
    ASSERT_EQ(version.status, 200) << version.body;
    EXPECT_EQ(version.json()["count"], kSessions) << "through server " << n + 1;
    auto keys = call(client, "GET", "/room_keys/keys/!race:x?version=1");
    ASSERT_EQ(keys.status, 200);
    const nlohmann::json room = keys.json();
    for (int s = 0; s < kSessions; ++s) {
      const nlohmann::json& stored = room.at("sessions").at("s" + std::to_string(s));
      const int rank = stored["first_message_index"].get<int>();
      // The spec's winner: the best acknowledged key, or a better one whose answer was lost.
      EXPECT_LE(rank, best_acknowledged[s]) << "session " << s << " through server " << n + 1;
      EXPECT_EQ(stored["session_data"]["ciphertext"], "rank-" + std::to_string(rank));
    }
    if (n == 0) {
      first_keys = keys.body;
      first_etag = version.json()["etag"].get<std::string>();
    } else {
      EXPECT_EQ(keys.body, first_keys) << "server " << n + 1 << " sees other keys";
      EXPECT_EQ(version.json()["etag"], first_etag);
    }
  }
  uint64_t retried = 0;
  for (int n = 0; n < kNodes; ++n) retried += retries(n);
  std::cout << kDevices * kRounds << " racing uploads of " << kSessions << " keys: " << retried
            << " transactions re-run after a conflict\n";
}

TEST_F(GaleraTest, VersionsCreatedAtOnceThroughEveryNodeGetDistinctIncreasingIds) {
  constexpr int kCreates = 24;
  std::mutex mutex;
  std::set<long> ids;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kCreates; ++i) {
    clients.emplace_back([&, i] {
      auto r = call(direct(i % kNodes), "POST", "/room_keys/version", kCreate);
      if (r.status != 200) {
        ++failures;
        return;
      }
      std::lock_guard lock(mutex);
      ids.insert(std::stol(r.json()["version"].get<std::string>()));
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCreates)) << "two creates got the same id";
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), kCreates);
  for (int n = 0; n < kNodes; ++n) {
    auto current = call(direct(n), "GET", "/room_keys/version");
    EXPECT_EQ(current.json()["version"], std::to_string(kCreates)) << "server " << n + 1;
  }
}

TEST_F(GaleraTest, AWriteThroughOneNodeIsReadThroughEveryOther) {
  ASSERT_EQ(call(direct(0), "POST", "/room_keys/version", kCreate).status, 200);
  for (int i = 0; i < 60; ++i) {
    const int writer = i % kNodes;
    const std::string path = "/room_keys/keys/!ryw:x/s" + std::to_string(i) + "?version=1";
    ASSERT_EQ(call(direct(writer), "PUT", path, key(1, "d")).status, 200);
    for (int reader = 0; reader < kNodes; ++reader) {
      if (reader == writer) continue;
      EXPECT_EQ(call(direct(reader), "GET", path).status, 200)
          << "written through " << writer + 1 << ", not seen through " << reader + 1;
      EXPECT_EQ(call(direct(reader), "GET", "/room_keys/version").json()["count"], i + 1);
    }
  }
}

// Uploads of distinct sessions through HAProxy while `outage` runs, by kWriters users at once
// (one writer each: a homeserver's load is many users); returns what each user was answered 200
// for, and counts the answers.
struct LoadResult {
  std::vector<std::set<std::string>> acknowledged = std::vector<std::set<std::string>>(kWriters);
  std::map<long, int> statuses;
};

template <typename Outage>
LoadResult upload_during(const HttpClient& client, Outage outage) {
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(client.request("POST", kV3 + "/room_keys/version", kCreate, load_token(w)).status,
              200);
  }
  LoadResult result;
  std::mutex mutex;
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !done; ++i) {
        const std::string session = "s" + std::to_string(i);
        std::string sessions;
        for (int k = 0; k < 10; ++k) {
          sessions += (k ? "," : "") + std::string("\"") + session + "-" + std::to_string(k) +
                      "\":" + key(k, session);
        }
        HttpResponse r;
        try {
          r = client.request("PUT", kV3 + "/room_keys/keys/!load:x?version=1",
                             R"({"sessions":{)" + sessions + "}}", load_token(w));
        } catch (const std::exception&) {
          r.status = -1;  // the connection broke: not acknowledged
        }
        std::lock_guard lock(mutex);
        ++result.statuses[r.status];
        if (r.status == 200) {
          for (int k = 0; k < 10; ++k) {
            result.acknowledged[w].insert(session + "-" + std::to_string(k));
          }
        }
      }
    });
  }
  outage();
  done = true;
  for (auto& t : writers) t.join();
  return result;
}

void expect_all_stored(const HttpClient& client, const LoadResult& load) {
  for (int w = 0; w < kWriters; ++w) {
    auto version = client.request("GET", kV3 + "/room_keys/version", "", load_token(w));
    ASSERT_EQ(version.status, 200) << version.body;
    auto keys = client.request("GET", kV3 + "/room_keys/keys/!load:x?version=1", "", load_token(w));
    ASSERT_EQ(keys.status, 200);
    const nlohmann::json room = keys.json();
    const nlohmann::json& sessions = room.at("sessions");
    size_t missing = 0;
    for (const std::string& session : load.acknowledged[w]) {
      missing += sessions.contains(session) ? 0 : 1;
    }
    EXPECT_EQ(missing, 0u) << "acknowledged keys of user " << w << " lost";
    EXPECT_EQ(version.json()["count"].get<size_t>(), sessions.size()) << "count is not exact";
    EXPECT_EQ(sessions.size() % 10, 0u) << "a half-written body";
  }
}

TEST_F(GaleraTest, ADatabaseNodeKilledMidLoadLosesNothingAndRejoins) {
  std::atomic<int> survivors_failed{0};
  const LoadResult load = upload_during(balanced(), [&] {
    std::this_thread::sleep_for(seconds(2));
    cluster("kill", 1);
    // The servers on the surviving nodes keep answering.
    for (int i = 0; i < 10; ++i) {
      for (int n : {0, 2}) {
        const auto r = direct(n).request("GET", kV3 + "/room_keys/version", "", load_token(0));
        if (r.status != 200) ++survivors_failed;
      }
      std::this_thread::sleep_for(milliseconds(300));
    }
    cluster("restart", 1);  // returns once it has caught up and is Synced
    std::this_thread::sleep_for(seconds(1));
  });
  EXPECT_EQ(survivors_failed.load(), 0);
  for (const auto& [status, times] : load.statuses) {
    std::cout << "status " << status << ": " << times << " uploads\n";
    EXPECT_TRUE(status == 200 || status == 503 || status == -1) << status;
  }
  EXPECT_GT(load.statuses.at(200), 20);
  // 503 only from the server on the killed node, before HAProxy takes it out of the rotation.
  EXPECT_LE(load.statuses.count(503) ? load.statuses.at(503) : 0, 100);
  for (int n = 0; n < kNodes; ++n) {  // what each server saw of the outage
    std::istringstream log(servers_[n]->stderr_text());
    std::map<std::string, int> errors;
    for (std::string line; std::getline(log, line);) {
      const auto at = line.find("database error");
      if (at != std::string::npos) ++errors[line.substr(at, 90)];
    }
    for (const auto& [error, times] : errors) {
      std::cout << "server " << n + 1 << ": " << times << " x " << error << "\n";
    }
  }
  // Every node, the rejoined one included, holds every acknowledged key.
  for (int n = 0; n < kNodes; ++n) expect_all_stored(direct(n), load);
}

TEST_F(GaleraTest, ARoomkeysServerKilledIsRoutedAround) {
  const LoadResult load = upload_during(balanced(), [&] {
    std::this_thread::sleep_for(seconds(1));
    servers_[1]->stop(9);
    std::this_thread::sleep_for(seconds(3));
  });
  int failed = 0;
  for (const auto& [status, times] : load.statuses) {
    std::cout << "status " << status << ": " << times << " uploads\n";
    if (status != 200) failed += times;
  }
  EXPECT_LE(failed, 8) << "more failures than requests in flight on the killed server";
  // Once HAProxy has seen it go, nothing fails.
  const HttpClient client = balanced();
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", load_token(0)).status, 200);
  }
  expect_all_stored(direct(0), load);
}

TEST_F(GaleraTest, TheLargestAcceptedBodyIsOneWriteSet) {
  ASSERT_EQ(call(balanced(), "POST", "/room_keys/version", kCreate).status, 200);
  // Just under the 16 MiB default limit: ~13,000 keys of ~1.2 KB, committed as one write set.
  std::string sessions;
  int keys = 0;
  const std::string data(1200, 'q');
  while (sessions.size() < (16u << 20) - 4096) {
    sessions +=
        (keys ? "," : "") + std::string("\"s") + std::to_string(keys) + "\":" + key(1, data);
    ++keys;
  }
  auto r = call(balanced(), "PUT", "/room_keys/keys/!big:x?version=1",
                R"({"sessions":{)" + sessions + "}}");
  ASSERT_EQ(r.status, 200) << r.body;
  for (int n = 0; n < kNodes; ++n) {
    EXPECT_EQ(call(direct(n), "GET", "/room_keys/version").json()["count"], keys);
  }
}

}  // namespace
}  // namespace roomkeys::testing

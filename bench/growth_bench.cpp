// Upload rate as a backup grows: the same realistic keys (growth_workload.h) sent to a running
// roomkeys-server in 100-key PUT bodies over 4 connections, or written straight into the
// database by the same 4 clients (the raw limit: same rows, same order, same batches).
//   roomkeys-bench-growth http BASE_URL TOKEN VERSION KEYS SERVER_PID
//   roomkeys-bench-growth raw DATABASE_URL USER KEYS
// Prints one line per tenth of the upload ("tenth N keys_per_s X p50_ms Y p99_ms Z") and, for
// http, the server's CPU time per key and its peak anonymous memory (RssAnon).
#include <curl/curl.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "growth_workload.h"
#include "storage/database_url.h"
#include "storage/mysql_text_statement.h"
#include "storage/soci_repository.h"
#include "storage/soci_session.h"

namespace {

using Clock = std::chrono::steady_clock;
using roomkeys::bench::GrowthWorkload;

constexpr long kBatch = 100;
constexpr int kClients = 4;

struct Done {
  long batch;
  double end_s;      // since the start
  double latency_s;  // of this batch
};

// Runs `send(batch)` for every batch, in order, from kClients threads; what each took.
template <typename Send>
std::vector<Done> drive(long batches, Send&& send) {
  std::atomic<long> next{0};
  std::mutex mutex;
  std::vector<Done> done;
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto client = send.client(c);
      for (long b; (b = next++) < batches;) {
        const auto sent = Clock::now();
        client(b);
        const auto now = Clock::now();
        std::lock_guard<std::mutex> lock(mutex);
        done.push_back({b, std::chrono::duration<double>(now - started).count(),
                        std::chrono::duration<double>(now - sent).count()});
      }
    });
  }
  for (auto& t : threads) t.join();
  return done;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

void report_tenths(std::vector<Done> done, long batches) {
  std::sort(done.begin(), done.end(),
            [](const Done& a, const Done& b) { return a.batch < b.batch; });
  double previous_end = 0;
  for (int t = 0; t < 10; ++t) {
    const long from = batches * t / 10, to = batches * (t + 1) / 10;
    double end = 0;
    std::vector<double> latencies;
    for (long b = from; b < to; ++b) {
      end = std::max(end, done[static_cast<size_t>(b)].end_s);
      latencies.push_back(done[static_cast<size_t>(b)].latency_s * 1000);
    }
    std::printf("tenth %d keys_per_s %.0f p50_ms %.1f p99_ms %.1f\n", t + 1,
                static_cast<double>((to - from) * kBatch) / (end - previous_end),
                percentile(latencies, 0.50), percentile(latencies, 0.99));
    previous_end = end;
  }
  std::printf("total keys_per_s %.0f\n", static_cast<double>(batches * kBatch) / previous_end);
}

// utime + stime of a process, in seconds.
double cpu_seconds(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t at = text.rfind(')') + 2;  // fields after the command name, starting at field 3
  for (int field = 3; field < 14; ++field) at = text.find(' ', at) + 1;
  const double ticks = std::stod(text.substr(at)) + std::stod(text.substr(text.find(' ', at) + 1));
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_anon_kb(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stol(line.substr(8));
  }
  return 0;
}

size_t ignore_body(char*, size_t size, size_t count, void*) { return size * count; }

struct HttpSend {
  const GrowthWorkload& workload;
  std::string url, auth;
  auto client(int) const {
    std::shared_ptr<CURL> curl(curl_easy_init(), curl_easy_cleanup);
    auto headers =
        std::shared_ptr<curl_slist>(curl_slist_append(curl_slist_append(nullptr, auth.c_str()),
                                                      "Content-Type: application/json"),
                                    curl_slist_free_all);
    return [this, curl, headers](long b) {
      const std::string body = workload.body(b * kBatch, kBatch);
      curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "PUT");
      curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
      curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, ignore_body);
      long status = 0;
      if (curl_easy_perform(curl.get()) != CURLE_OK ||
          curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
          status != 200) {
        throw std::runtime_error("upload of batch " + std::to_string(b) + " answered " +
                                 std::to_string(status));
      }
    };
  }
};

int http(const std::string& base, const std::string& token, const std::string& version, long keys,
         long server_pid) {
  const GrowthWorkload workload(keys, 42);
  const long batches = keys / kBatch;
  std::atomic<bool> running{true};
  std::atomic<long> peak_kb{0};
  std::thread monitor([&] {
    while (running) {
      peak_kb = std::max(peak_kb.load(), rss_anon_kb(server_pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const double cpu_before = cpu_seconds(server_pid);
  std::vector<Done> done;
  try {
    done = drive(batches,
                 HttpSend{workload, base + "/_matrix/client/v3/room_keys/keys?version=" + version,
                          "Authorization: Bearer " + token});
  } catch (...) {
    running = false;
    monitor.join();
    throw;
  }
  const double cpu = cpu_seconds(server_pid) - cpu_before;
  running = false;
  monitor.join();
  report_tenths(done, batches);
  std::printf("server_cpu_us_per_key %.1f\npeak_rss_anon_mb %.1f\n",
              cpu * 1e6 / static_cast<double>(batches * kBatch),
              static_cast<double>(peak_kb.load()) / 1024);
  return 0;
}

const std::string kInsertKeys =
    "INSERT INTO rk_keys (user_id, version, room_id, session_id, first_message_index, "
    "forwarded_count, is_verified, session_data)";

struct RawSend {
  const GrowthWorkload& workload;
  const roomkeys::DatabaseUrl& url;
  std::string user;
  std::mutex& sqlite_writer;
  auto client(int) const {
    std::shared_ptr<soci::session> sql(roomkeys::open_soci_session(url, /*writer=*/true).release());
    return [this, sql](long b) {
      const bool sqlite = url.backend == roomkeys::DatabaseUrl::Backend::kSqlite;
      std::unique_lock<std::mutex> one_writer(sqlite_writer, std::defer_lock);
      if (sqlite) one_writer.lock();  // SQLite takes one writer: queue here, not in busy waits
      soci::transaction tx(*sql);
      if (!sqlite) {  // one multi-row statement of literals, as roomkeys itself writes them
        std::string query = kInsertKeys + " VALUES ";
        for (long i = b * kBatch; i < (b + 1) * kBatch; ++i) {
          query += i == b * kBatch ? "(" : ", (";
          roomkeys::append_hex_literal(query, user);
          query += ", 1, ";
          roomkeys::append_hex_literal(query, workload.key(i).room_id);
          query += ", ";
          roomkeys::append_hex_literal(query, workload.key(i).session_id);
          query += ", 0, 0, 0, ";
          roomkeys::append_hex_literal(query, workload.session_data(i));
          query += ')';
        }
        roomkeys::run_mysql_text(*sql, query);
        tx.commit();
        return;
      }
      long long version = 1, zero = 0;
      int unverified = 0;
      std::string room, session, data;
      soci::statement st =
          (sql->prepare << kInsertKeys + " VALUES (:u, :v, :r, :s, :f, :c, :i, :d)",
           soci::use(user), soci::use(version), soci::use(room), soci::use(session),
           soci::use(zero), soci::use(zero), soci::use(unverified), soci::use(data));
      for (long i = b * kBatch; i < (b + 1) * kBatch; ++i) {
        room = workload.key(i).room_id;
        session = workload.key(i).session_id;
        data = workload.session_data(i);
        st.execute(true);
      }
      tx.commit();
    };
  }
};

int raw(const std::string& url_text, const std::string& user, long keys) {
  roomkeys::RepositoryOptions options;  // creates the schema through roomkeys' migrations
  options.database_url = url_text;
  options.pool_size = 1;
  auto repository = roomkeys::open_soci_repository(options);
  if (!repository.is_ok() || !repository.value()->migrate().is_ok()) {
    throw std::runtime_error("cannot prepare the schema");
  }
  repository.value().reset();
  const auto url = roomkeys::parse_database_url(url_text).value();
  const GrowthWorkload workload(keys, 42);
  std::mutex sqlite_writer;
  const long batches = keys / kBatch;
  report_tenths(drive(batches, RawSend{workload, url, user, sqlite_writer}), batches);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "http" && argc == 7) {
      return http(argv[2], argv[3], argv[4], std::stol(argv[5]), std::stol(argv[6]));
    }
    if (mode == "raw" && argc == 5) return raw(argv[2], argv[3], std::stol(argv[4]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "roomkeys-bench-growth: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: roomkeys-bench-growth http BASE_URL TOKEN VERSION KEYS SERVER_PID\n"
               "       roomkeys-bench-growth raw DATABASE_URL USER KEYS\n");
  return 2;
}

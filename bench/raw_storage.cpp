// The storage limits the benchmark compares roomkeys with: the same rows written and read
// straight through SOCI, with no HTTP, JSON or rules in between.
//   roomkeys-bench-raw insert URL KEYS BATCH CLIENTS [USER]   -> "rows_per_s N"
//   roomkeys-bench-raw lookup URL USER VERSION PREFIX THREADS SECONDS -> "lookups_per_s N"
//   roomkeys-bench-raw scan URL USER VERSION           -> "mb_per_s N rows N bytes N"
// The schema is roomkeys' own (created by its migrations when missing).
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/backend.h"
#include "storage/database_url.h"
#include "storage/soci_repository.h"
#include "storage/soci_session.h"
#include "storage/soci_transaction.h"

namespace {

using Clock = std::chrono::steady_clock;
using roomkeys::DatabaseUrl;

const std::string kSessionData = "{\"ciphertext\":\"" + std::string(1100, 'c') +
                                 "\",\"ephemeral\":\"" + std::string(44, 'e') + "\",\"mac\":\"" +
                                 std::string(22, 'm') + "\"}";

DatabaseUrl url_of(const char* text) {
  auto url = roomkeys::parse_database_url(text);
  if (!url.is_ok()) throw std::runtime_error(url.status().message());
  roomkeys::RepositoryOptions options;
  options.database_url = text;
  options.pool_size = 1;
  auto repository = roomkeys::open_soci_repository(options);
  if (!repository.is_ok() || !repository.value()->migrate().is_ok()) {
    throw std::runtime_error("cannot prepare the schema");
  }
  return url.value();
}

// Where key K of upload client C lives, as bench/lua/keys.lua names it: rooms take sessions in a
// repeating pattern of 3, 30, 300 and 3000.
std::string room_of(const std::string& prefix, int client, long key) {
  const long cycle = key / 3333, offset = key % 3333;
  const int room = offset < 3 ? 0 : offset < 33 ? 1 : offset < 333 ? 2 : 3;
  return "!" + prefix + "t" + std::to_string(client) + "r" + std::to_string(cycle * 4 + room) +
         ":bench.example";
}

std::string session_of(const std::string& prefix, int client, long key) {
  return prefix + "t" + std::to_string(client) + "s" + std::to_string(key);
}

// One batch of rows of the raw user, straight into rk_keys in one transaction.
struct Batch {
  std::string user;
  long long version = 1, zero = 0;
  int unverified = 0;
  std::vector<std::string> rooms, sessions;

  // Keys first_key.. of upload client `client`, named as bench/lua/keys.lua names them.
  Batch(std::string owner, int size, int client, long first_key)
      : user(std::move(owner)), rooms(size), sessions(size) {
    for (int i = 0; i < size; ++i) {
      rooms[i] = room_of("u", client, first_key + i);
      sessions[i] = session_of("u", client, first_key + i);
    }
  }

  // A network database: one multi-row statement, one round trip.
  void insert_multi_row(soci::session& sql) {
    std::string query =
        "INSERT INTO rk_keys (user_id, version, room_id, session_id, first_message_index, "
        "forwarded_count, is_verified, session_data) VALUES ";
    soci::statement st(sql);
    for (size_t i = 0; i < rooms.size(); ++i) {
      const std::string n = std::to_string(i);
      query += (i ? ", (:u" : "(:u") + n + ", :v" + n + ", :r" + n + ", :s" + n + ", :f" + n +
               ", :c" + n + ", :i" + n + ", :d" + n + ")";
      st.exchange(soci::use(user));
      st.exchange(soci::use(version));
      st.exchange(soci::use(rooms[i]));
      st.exchange(soci::use(sessions[i]));
      st.exchange(soci::use(zero));
      st.exchange(soci::use(zero));
      st.exchange(soci::use(unverified));
      st.exchange(soci::use(kSessionData));
    }
    soci::transaction tx(sql);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(true);
    tx.commit();
  }

  // In-process SQLite: one prepared statement executed per row.
  void insert_row_by_row(soci::session& sql) {
    std::string room, session;
    soci::transaction tx(sql);
    soci::statement st =
        (sql.prepare << "INSERT INTO rk_keys (user_id, version, room_id, session_id, "
                        "first_message_index, forwarded_count, is_verified, session_data) "
                        "VALUES (:u, :v, :r, :s, :f, :c, :i, :d)",
         soci::use(user), soci::use(version), soci::use(room), soci::use(session), soci::use(zero),
         soci::use(zero), soci::use(unverified), soci::use(kSessionData));
    for (size_t i = 0; i < rooms.size(); ++i) {
      room = rooms[i];
      session = sessions[i];
      st.execute(true);
    }
    tx.commit();
  }
};

// KEYS rows for one fresh user, BATCH rows per transaction, from CLIENTS threads at once: the
// rows the upload workload sends (each client its own keys, in order). Each backend is written
// its fastest way (SQLite's one writer at a time queued on a mutex, not its sleeping busy
// handler).
int insert(const DatabaseUrl& url, long keys, int batch, int clients, const std::string& user) {
  const bool sqlite = url.backend == DatabaseUrl::Backend::kSqlite;
  std::mutex sqlite_writer;
  const long batches = keys / batch;
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto sql = roomkeys::open_soci_session(url);
      for (long b = c; b < batches; b += clients) {
        Batch rows(user, batch, c, b / clients * batch);
        if (sqlite) {
          std::lock_guard<std::mutex> one_writer(sqlite_writer);
          rows.insert_row_by_row(*sql);
        } else {
          rows.insert_multi_row(*sql);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("rows_per_s %.0f\n", static_cast<double>(batches * batch) / seconds);
  return 0;
}

// Every key of one backup version in the order a restore reads them (the dialect's: room by room,
// in the table's own order within a room), fetched 1000 rows at a time.
int scan(const DatabaseUrl& url, const std::string& user, long long version) {
  auto sql = roomkeys::open_soci_session(url);
  const roomkeys::SqlDialect& dialect = *roomkeys::backend_for(url).value().dialect;
  const auto started = Clock::now();
  constexpr size_t kRows = 1000;
  std::vector<std::string> rooms(kRows), sessions(kRows), data(kRows);
  std::vector<long long> first(kRows), forwarded(kRows);
  std::vector<int> verified(kRows);
  soci::statement st =
      (sql->prepare << "SELECT room_id, session_id, first_message_index, forwarded_count, "
                       "is_verified, session_data FROM rk_keys" +
                           dialect.in_key_order + " WHERE user_id = :u AND version = :v ORDER BY " +
                           dialect.key_order,
       soci::into(rooms), soci::into(sessions), soci::into(first), soci::into(forwarded),
       soci::into(verified), soci::into(data), soci::use(user), soci::use(version));
  st.execute(false);
  long rows = 0;
  double bytes = 0;
  while (st.fetch()) {
    for (size_t i = 0; i < rooms.size(); ++i) {
      bytes += static_cast<double>(rooms[i].size() + sessions[i].size() + data[i].size()) + 90;
    }
    rows += static_cast<long>(rooms.size());
    rooms.resize(kRows), sessions.resize(kRows), data.resize(kRows), first.resize(kRows),
        forwarded.resize(kRows), verified.resize(kRows);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("mb_per_s %.1f rows %ld bytes %.0f\n", bytes / 1e6 / seconds, rows, bytes);
  return 0;
}

// THREADS threads looking up random keys of the upload workload (PREFIX, 4 clients x 25000
// keys) for SECONDS, each with the service's per-session statement prepared once: the database's
// own rate of per-session reads.
int lookup(const DatabaseUrl& url, const std::string& user, long long version,
           const std::string& prefix, int threads, double seconds) {
  std::atomic<long> lookups{0};
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto sql = roomkeys::open_soci_session(url);
      std::mt19937 random(static_cast<unsigned>(t) + 1);
      std::string room, session, found_room, found_session, data;
      int deleted = 0, verified = 0;
      long long first = 0, forwarded = 0;
      soci::indicator present = soci::i_null;
      soci::statement st =
          (sql->prepare << roomkeys::key_in_version_sql(), soci::into(deleted),
           soci::into(found_room, present), soci::into(found_session), soci::into(first),
           soci::into(forwarded), soci::into(verified), soci::into(data), soci::use(room),
           soci::use(session), soci::use(user), soci::use(version));
      long done = 0;
      while (Clock::now() < until) {
        const int client = static_cast<int>(random() % 4);
        const long key = static_cast<long>(random() % 25000);
        room = room_of(prefix, client, key);
        session = session_of(prefix, client, key);
        if (!st.execute(true) || present != soci::i_ok) throw std::runtime_error("key not found");
        ++done;
      }
      lookups += done;
    });
  }
  for (auto& w : workers) w.join();
  std::printf("lookups_per_s %.0f\n", static_cast<double>(lookups) / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 2 ? argv[1] : "";
    if (command == "insert" && (argc == 6 || argc == 7)) {
      return insert(url_of(argv[2]), std::stol(argv[3]), std::stoi(argv[4]), std::stoi(argv[5]),
                    argc == 7 ? argv[6] : "@raw:bench");
    }
    if (command == "lookup" && argc == 8) {
      return lookup(url_of(argv[2]), argv[3], std::stoll(argv[4]), argv[5], std::stoi(argv[6]),
                    std::stod(argv[7]));
    }
    if (command == "scan" && argc == 5) return scan(url_of(argv[2]), argv[3], std::stoll(argv[4]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "roomkeys-bench-raw: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: roomkeys-bench-raw insert URL KEYS BATCH CLIENTS [USER]\n"
               "       roomkeys-bench-raw lookup URL USER VERSION PREFIX THREADS SECONDS\n"
               "       roomkeys-bench-raw scan URL USER VERSION\n");
  return 2;
}

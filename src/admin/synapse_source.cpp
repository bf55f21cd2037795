#include "admin/synapse_source.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include <future>
#include <utility>

#include "common/percent_decode.h"
#include "storage/backend.h"
#include "storage/database_url.h"

// SOCI's PostgreSQL backend, declared as its header does (that header also pulls in libpq's).
extern "C" const soci::backend_factory* factory_postgresql();

namespace roomkeys::admin {
namespace {

// postgresql://USER:PASSWORD@HOST:PORT/DBNAME[?key=value&...] as libpq keywords (SOCI does not
// pass a URL through), every part percent-decoded once; nullopt when malformed. HOST may be
// empty with ?host=/run/postgresql (a Unix socket, as Synapse's own docs write it).
std::optional<std::string> postgres_conninfo(std::string_view url) {
  url.remove_prefix(url.find("://") + 3);
  std::string_view query;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  const auto slash = url.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view authority = url.substr(0, slash), dbname = url.substr(slash + 1);
  std::vector<std::pair<std::string, std::string_view>> parts = {{"dbname", dbname}};
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = credentials.find(':');
    parts.emplace_back("user", credentials.substr(0, colon));
    if (colon != std::string_view::npos)
      parts.emplace_back("password", credentials.substr(colon + 1));
  }
  // An IPv6 host is written in brackets ([::1]:5432); libpq wants it without them.
  const auto host_port = split_host_port(authority);
  if (!host_port) return std::nullopt;
  if (!host_port->port.empty()) parts.emplace_back("port", host_port->port);
  if (!host_port->host.empty()) parts.emplace_back("host", host_port->host);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    parts.emplace_back(std::string(pair.substr(0, eq)), pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  std::string conninfo;
  for (const auto& [key, raw] : parts) {
    auto value = percent_decode(raw);
    if (!value || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      return std::nullopt;
    }
    conninfo += key + "=" + quote_connection_value(*value) + " ";
  }
  return conninfo;
}

template <typename T>
std::optional<T> value_or_null(const T& value, soci::indicator ind) {
  return ind == soci::i_ok ? std::optional<T>(value) : std::nullopt;
}

}  // namespace

Result<std::unique_ptr<SynapseSource>> SynapseSource::open(const std::string& url) {
  try {
    if (url.rfind("sqlite:", 0) == 0) {
      std::string path = url.substr(7);
      if (path.rfind("//", 0) == 0) path = path.substr(2);
      if (path.empty() || path.find('"') != std::string::npos) {
        return Status::error(Status::Code::kInvalidArgument, "unusable SQLite path in " + url);
      }
      // Read-only: the import never writes to Synapse's database.
      return std::unique_ptr<SynapseSource>(new SynapseSource(std::make_unique<soci::session>(
          soci::sqlite3, "db=\"" + path + "\" readonly=1 timeout=10")));
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
      auto conninfo = postgres_conninfo(url);
      if (!conninfo) {
        return Status::error(Status::Code::kInvalidArgument, "malformed PostgreSQL URL");
      }
      return std::unique_ptr<SynapseSource>(
          new SynapseSource(std::make_unique<soci::session>(*factory_postgresql(), *conninfo)));
    }
  } catch (const soci::soci_error& e) {
    return Status::error(Status::Code::kUnavailable,
                         "cannot open the Synapse database: " + e.get_error_message());
  }
  return Status::error(Status::Code::kInvalidArgument,
                       "the Synapse database is sqlite:PATH or postgresql://...");
}

std::vector<std::string> SynapseSource::users() {
  std::vector<std::string> users;
  std::string user;
  soci::statement st = (sql_->prepare << "SELECT DISTINCT user_id FROM e2e_room_keys_versions "
                                         "ORDER BY user_id",
                        soci::into(user));
  st.execute(false);
  while (st.fetch()) users.push_back(user);
  return users;
}

int64_t SynapseSource::count_keys(const std::vector<std::string>& users) {
  long long all = 0;
  if (users.empty()) {
    *sql_ << "SELECT COUNT(*) FROM e2e_room_keys", soci::into(all);
    return all;
  }
  int64_t total = 0;
  for (const std::string& user : users) {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM e2e_room_keys WHERE user_id = :user_id", soci::into(n),
        soci::use(user);
    total += n;
  }
  return total;
}

std::vector<SynapseVersion> SynapseSource::versions(const std::string& user_id) {
  std::vector<SynapseVersion> versions;
  long long version = 0, etag = 0, deleted = 0;
  std::string algorithm, auth_data;
  soci::indicator ind[5] = {};
  soci::statement st =
      (sql_->prepare << "SELECT version, algorithm, auth_data, etag, deleted FROM "
                        "e2e_room_keys_versions WHERE user_id = :user_id ORDER BY version",
       soci::into(version, ind[0]), soci::into(algorithm, ind[1]), soci::into(auth_data, ind[2]),
       soci::into(etag, ind[3]), soci::into(deleted, ind[4]), soci::use(user_id));
  st.execute(false);
  while (st.fetch()) {
    versions.push_back({value_or_null<int64_t>(version, ind[0]), value_or_null(algorithm, ind[1]),
                        value_or_null(auth_data, ind[2]), value_or_null<int64_t>(etag, ind[3]),
                        value_or_null<int64_t>(deleted, ind[4])});
  }
  return versions;
}

// One page of keys after (after_room, after_session), or from the start when `from_start`.
std::vector<SynapseKey> SynapseSource::key_page(const std::string& user_id, int64_t version,
                                                size_t page_rows, bool from_start,
                                                const std::string& after_room,
                                                const std::string& after_session) {
  const long long id = version;
  SynapseKey row;
  long long first_index = 0, forwarded = 0, verified = 0;
  soci::indicator ind[4] = {};
  soci::statement st(*sql_);
  st.exchange(soci::into(row.room_id));
  st.exchange(soci::into(row.session_id));
  st.exchange(soci::into(first_index, ind[0]));
  st.exchange(soci::into(forwarded, ind[1]));
  st.exchange(soci::into(verified, ind[2]));
  std::string data;
  st.exchange(soci::into(data, ind[3]));
  st.exchange(soci::use(user_id));
  st.exchange(soci::use(id));
  std::string query =
      "SELECT room_id, session_id, first_message_index, forwarded_count, "
      "CAST(is_verified AS INTEGER), session_data FROM e2e_room_keys "
      "WHERE user_id = :user_id AND version = :version";
  if (!from_start) {
    // A row-value comparison: an index range scan on SQLite and PostgreSQL alike (the
    // spelled-out OR made SQLite rescan the version from its start for every page).
    query += " AND (room_id, session_id) > (:after_room, :after_session)";
    st.exchange(soci::use(after_room));
    st.exchange(soci::use(after_session));
  }
  st.alloc();
  st.prepare(query + " ORDER BY room_id, session_id LIMIT " + std::to_string(page_rows));
  st.define_and_bind();
  st.execute(false);
  std::vector<SynapseKey> page;
  page.reserve(page_rows);
  while (st.fetch()) {
    // Taken, not copied: SOCI assigns each of them anew at the next fetch.
    SynapseKey& key = page.emplace_back();
    key.room_id = std::exchange(row.room_id, {});
    key.session_id = std::exchange(row.session_id, {});
    key.first_message_index = value_or_null<int64_t>(first_index, ind[0]);
    key.forwarded_count = value_or_null<int64_t>(forwarded, ind[1]);
    key.is_verified = value_or_null<int64_t>(verified, ind[2]);
    if (ind[3] == soci::i_ok) key.session_data = std::exchange(data, {});
  }
  return page;
}

// The next page is read on a thread of its own while `visit` writes the last one: reading
// Synapse's rows (at random places in its file) and writing ours then take turns on neither.
// Only that thread uses the session until its page is taken; one page ahead bounds the memory.
void SynapseSource::for_each_key_page(const std::string& user_id, int64_t version, size_t page_rows,
                                      const std::function<void(std::vector<SynapseKey>&)>& visit) {
  auto read_after = [&](bool from_start, std::string room, std::string session) {
    // std::async keeps its own copies of the arguments: the cursor outlives this call.
    return std::async(std::launch::async, &SynapseSource::key_page, this, std::cref(user_id),
                      version, page_rows, from_start, std::move(room), std::move(session));
  };
  std::future<std::vector<SynapseKey>> next = read_after(true, "", "");
  for (;;) {
    std::vector<SynapseKey> page = next.get();  // a read's soci_error is thrown here
    if (page.empty()) return;
    const bool last = page.size() < page_rows;
    if (!last) next = read_after(false, page.back().room_id, page.back().session_id);
    visit(page);  // should it throw, `next`'s destructor waits for the page being read
    if (last) return;
  }
}

}  // namespace roomkeys::admin

#include "storage/soci_transaction.h"

#include <algorithm>
#include <string_view>

#include "storage/mysql_text_statement.h"

namespace roomkeys {
namespace {

using soci::into;
using soci::use;

// The columns of a key row, named once; every statement below is built from these.
const char* const kValueColumns[] = {"first_message_index", "forwarded_count", "is_verified",
                                     "session_data"};
const std::string kRankColumns =  // what the replacement rule compares, with the ids
    std::string("room_id, session_id, ") + kValueColumns[0] + ", " + kValueColumns[1] + ", " +
    kValueColumns[2];
const std::string kKeyColumns = kRankColumns + ", " + kValueColumns[3];
const std::string kInsertKeys = "INSERT INTO rk_keys (user_id, version, " + kKeyColumns + ")";

// Appended to kInsertKeys ... VALUES (...): overwrite the value columns of an existing key.
std::string upsert_tail(const SqlDialect& dialect) {
  std::string tail = dialect.upsert_on_conflict;
  for (const char* column : kValueColumns) {
    if (column != kValueColumns[0]) tail += ", ";
    tail += std::string(column) + " = " + dialect.upsert_new_value_open + column +
            dialect.upsert_new_value_close;
  }
  return tail;
}

// "X'...', X'...'": one (room_id, session_id) pair.
void append_key_pair(std::string& sql, const RoomKey& key) {
  append_hex_literal(sql, key.room_id);
  sql += ", ";
  append_hex_literal(sql, key.session_id);
}

}  // namespace

const std::string& key_in_version_sql() {
  static const std::string sql =
      "SELECT v.deleted, " + kKeyColumns +
      " FROM rk_versions v LEFT JOIN rk_keys k ON k.user_id = v.user_id AND k.version = "
      "v.version AND k.room_id = :room_id AND k.session_id = :session_id "
      "WHERE v.user_id = :user_id AND v.version = :version";
  return sql;
}

namespace {

// The SQL condition and bound values that select the keys in `scope`.
struct ScopedQuery {
  std::string where = "user_id = :user_id AND version = :version";
  ScopedQuery(KeyScope scope) {
    if (scope.room_id) where += " AND room_id = :room_id";
    if (scope.session_id) where += " AND session_id = :session_id";
  }
};

// The columns of one key row, as the into() targets of a statement.
struct KeyRow {
  RoomKey key;
  long long first_message_index = 0, forwarded_count = 0;
  int is_verified = 0;

  // SELECT kRankColumns (or kKeyColumns, with session_data), in that order.
  void bind(soci::statement& st, bool with_session_data) {
    st.exchange(into(key.room_id));
    st.exchange(into(key.session_id));
    st.exchange(into(first_message_index));
    st.exchange(into(forwarded_count));
    st.exchange(into(is_verified));
    if (with_session_data) st.exchange(into(key.session_data));
  }
  // The same for kKeyColumns that may all be NULL (the key side of an outer join).
  void bind_nullable(soci::statement& st, soci::indicator (&present)[6]) {
    st.exchange(into(key.room_id, present[0]));
    st.exchange(into(key.session_id, present[1]));
    st.exchange(into(first_message_index, present[2]));
    st.exchange(into(forwarded_count, present[3]));
    st.exchange(into(is_verified, present[4]));
    st.exchange(into(key.session_data, present[5]));
  }
  const RoomKey& fetched() {
    key.rank = KeyRank{first_message_index, forwarded_count, is_verified != 0};
    return key;
  }
};

void bind_scope(soci::statement& st, const std::string& user_id, const long long& version,
                KeyScope scope) {
  st.exchange(use(user_id));
  st.exchange(use(version));
  if (scope.room_id) st.exchange(use(*scope.room_id));
  if (scope.session_id) st.exchange(use(*scope.session_id));
}

// Binds `values` to the statement's placeholders, in the order they appear in its SQL.
template <class... Values>
void use_all(soci::statement& st, const Values&... values) {
  (st.exchange(use(values)), ...);
}

// The hot statements, cached per connection (see statement_cache.h).

// A version row: by id (kById), or the user's newest live one.
template <bool kById>
struct VersionQuery : CachedStatement {
  std::string user_id;
  long long version = 0, etag = 0, count = 0;
  int deleted = 0;
  BackupVersion found;

  explicit VersionQuery(soci::session& sql) : CachedStatement(sql) {
    st.exchange(into(version));
    st.exchange(into(found.algorithm));
    st.exchange(into(found.auth_data));
    st.exchange(into(etag));
    st.exchange(into(count));
    st.exchange(into(deleted));
    st.exchange(use(user_id));
    if (kById) st.exchange(use(version));
    prepare(
        "SELECT version, algorithm, auth_data, etag, key_count, deleted FROM rk_versions WHERE " +
        std::string(kById ? "user_id = :user_id AND version = :version"
                          : "user_id = :user_id AND deleted = 0 ORDER BY version DESC LIMIT 1"));
  }

  std::optional<BackupVersion> run() {
    StatementRun running(*this);
    if (!st.execute(true)) return std::nullopt;
    found.version = version;
    found.etag = etag;
    found.count = count;
    found.deleted = deleted != 0;
    return found;
  }
};

// key_in_version_sql(), with its variables.
struct KeyQuery : CachedStatement {
  std::string user_id, room_id, session_id;
  long long version = 0;
  int deleted = 0;
  KeyRow row;
  soci::indicator present[6] = {};

  explicit KeyQuery(soci::session& sql) : CachedStatement(sql) {
    st.exchange(into(deleted));
    row.bind_nullable(st, present);
    use_all(st, room_id, session_id, user_id, version);
    prepare(key_in_version_sql());
  }
};

// The rank of one stored key, by its primary key.
struct RankQuery : CachedStatement {
  std::string user_id, room_id, session_id;
  long long version = 0;
  KeyRow row;

  explicit RankQuery(soci::session& sql) : CachedStatement(sql) {
    row.bind(st, false);
    use_all(st, user_id, version, room_id, session_id);
    prepare("SELECT " + kRankColumns +
            " FROM rk_keys WHERE user_id = :user_id AND version = :version AND room_id = "
            ":room_id AND session_id = :session_id");
  }
};

// Inserts or overwrites one key.
struct UpsertKeyRow : CachedStatement {
  std::string user_id;
  long long version = 0, first_message_index = 0, forwarded_count = 0;
  int is_verified = 0;
  RoomKey key;

  UpsertKeyRow(soci::session& sql, const SqlDialect& dialect) : CachedStatement(sql) {
    use_all(st, user_id, version, key.room_id, key.session_id, first_message_index, forwarded_count,
            is_verified, key.session_data);
    prepare(kInsertKeys + " VALUES (:u, :v, :r, :s, :f, :c, :i, :d)" + upsert_tail(dialect));
  }
};

}  // namespace

void SociTransaction::lock_user(const std::string& user_id) {
  // Only the first user waits in the process: a transaction that holds no lock yet cannot be part
  // of a cycle, one that already does (a purge locking several users) goes straight to the rows.
  if (stripes_ != nullptr && !user_turn_.owns_lock()) {
    user_turn_ = std::unique_lock<std::mutex>(stripes_->of(user_id));
  }
  sql_ << dialect_.lock_user, use(user_id);
}

void SociTransaction::end_turn() {
  if (user_turn_.owns_lock()) user_turn_.unlock();
}

std::optional<BackupVersion> SociTransaction::find_version(const std::string& user_id,
                                                           int64_t version) {
  auto& query = statements_.get<VersionQuery<true>>(sql_);
  query.user_id = user_id;
  query.version = version;
  return query.run();
}

std::optional<BackupVersion> SociTransaction::current_version(const std::string& user_id) {
  auto& query = statements_.get<VersionQuery<false>>(sql_);
  query.user_id = user_id;
  return query.run();
}

int64_t SociTransaction::allocate_version_id(const std::string& user_id) {
  sql_ << "UPDATE rk_users SET last_version = last_version + 1 WHERE user_id = :user_id",
      use(user_id);
  long long id = 0;
  sql_ << "SELECT last_version FROM rk_users WHERE user_id = :user_id", into(id), use(user_id);
  return id;
}

void SociTransaction::insert_version(const std::string& user_id, const BackupVersion& version) {
  const long long id = version.version, etag = version.etag, count = version.count;
  const int deleted = version.deleted ? 1 : 0;
  sql_ << "INSERT INTO rk_versions (user_id, version, algorithm, auth_data, etag, key_count, "
          "deleted) VALUES (:user_id, :version, :algorithm, :auth_data, :etag, :key_count, "
          ":deleted)",
      use(user_id), use(id), use(version.algorithm), use(version.auth_data), use(etag), use(count),
      use(deleted);
}

void SociTransaction::reserve_version_ids(const std::string& user_id, int64_t id) {
  const long long up_to = id;
  sql_ << "UPDATE rk_users SET last_version = :up_to WHERE user_id = :user_id AND "
          "last_version < :up_to2",
      use(up_to), use(user_id), use(up_to);
}

void SociTransaction::update_auth_data(const std::string& user_id, int64_t version,
                                       const std::string& auth_data) {
  const long long id = version;
  sql_ << "UPDATE rk_versions SET auth_data = :auth_data "
          "WHERE user_id = :user_id AND version = :version",
      use(auth_data), use(user_id), use(id);
}

void SociTransaction::set_deleted(const std::string& user_id, int64_t version) {
  const long long id = version;
  sql_ << "UPDATE rk_versions SET deleted = 1 WHERE user_id = :user_id AND version = :version",
      use(user_id), use(id);
}

std::vector<BackupVersion> SociTransaction::list_versions(const std::string& user_id) {
  std::vector<BackupVersion> versions;
  BackupVersion row;
  long long version = 0, etag = 0, count = 0;
  int deleted = 0;
  soci::statement st =
      (sql_.prepare << "SELECT version, algorithm, auth_data, etag, key_count, deleted FROM "
                       "rk_versions WHERE user_id = :user_id ORDER BY version",
       into(version), into(row.algorithm), into(row.auth_data), into(etag), into(count),
       into(deleted), use(user_id));
  st.execute(false);
  while (st.fetch()) {
    row.version = version;
    row.etag = etag;
    row.count = count;
    row.deleted = deleted != 0;
    versions.push_back(row);
  }
  return versions;
}

std::vector<std::pair<int64_t, int64_t>> SociTransaction::key_bytes_by_version(
    const std::string& user_id) {
  std::vector<std::pair<int64_t, int64_t>> bytes;
  long long version = 0, total = 0;
  soci::statement st =
      (sql_.prepare
           << "SELECT version, SUM(" + dialect_.session_data_bytes +
                  ") FROM rk_keys WHERE user_id = :user_id GROUP BY version ORDER BY version",
       into(version), into(total), use(user_id));
  st.execute(false);
  while (st.fetch()) bytes.emplace_back(version, total);
  return bytes;
}

StoreTotals SociTransaction::totals() {
  StoreTotals totals;
  long long users = 0, versions = 0, deleted = 0, keys = 0, key_bytes = 0;
  // SUM over no rows is NULL: COALESCE keeps an empty store at zero.
  sql_ << "SELECT COUNT(DISTINCT user_id), COUNT(*), COALESCE(SUM(deleted), 0), "
          "COALESCE(SUM(key_count), 0) FROM rk_versions",
      into(users), into(versions), into(deleted), into(keys);
  sql_ << "SELECT COALESCE(SUM(" + dialect_.session_data_bytes + "), 0) FROM rk_keys",
      into(key_bytes);
  totals.users = users;
  totals.versions = versions;
  totals.deleted_versions = deleted;
  totals.keys = keys;
  totals.key_bytes = key_bytes;
  return totals;
}

std::vector<std::string> SociTransaction::users_holding_room(const std::string& room_id) {
  std::vector<std::string> users;
  std::string user_id;
  // One seek into the key index per version: no index by room is kept (sql/sqlite/0002), so
  // that uploads maintain one random-order index, not two.
  soci::statement st =
      (sql_.prepare << "SELECT v.user_id FROM rk_versions v WHERE EXISTS (SELECT 1 FROM rk_keys k"
                       " WHERE k.user_id = v.user_id AND k.version = v.version AND k.room_id = "
                       ":room_id) GROUP BY v.user_id ORDER BY v.user_id",
       into(user_id), use(room_id));
  st.execute(false);
  while (st.fetch()) users.push_back(user_id);
  return users;
}

void SociTransaction::update_stats(const std::string& user_id, int64_t version, int64_t etag,
                                   int64_t count) {
  const long long id = version, new_etag = etag, new_count = count;
  sql_ << "UPDATE rk_versions SET etag = :etag, key_count = :key_count "
          "WHERE user_id = :user_id AND version = :version",
      use(new_etag), use(new_count), use(user_id), use(id);
}

std::vector<RoomKey> SociTransaction::find_ranks(const std::string& user_id, int64_t version,
                                                 const std::vector<const RoomKey*>& wanted) {
  // Only the submitted (room, session) pairs are read, each by its primary key: the cost of an
  // upload never grows with the size of the backup.
  return dialect_.multi_row_statements ? find_ranks_batched(user_id, version, wanted)
                                       : find_ranks_one_by_one(user_id, version, wanted);
}

// One prepared statement, executed per pair: in-process SQLite makes each a few microseconds,
// and its planner would scan the whole backup for a list of pairs with bound values.
std::vector<RoomKey> SociTransaction::find_ranks_one_by_one(
    const std::string& user_id, int64_t version, const std::vector<const RoomKey*>& wanted) {
  std::vector<RoomKey> found;
  if (wanted.empty()) return found;
  auto& query = statements_.get<RankQuery>(sql_);
  query.user_id = user_id;
  query.version = version;
  for (const RoomKey* key : wanted) {
    query.room_id = key->room_id;
    query.session_id = key->session_id;
    StatementRun running(query);
    if (query.st.execute(true)) found.push_back(query.row.fetched());
  }
  return found;
}

// One query per batch of pairs: a network round trip each costs more than the lookups.
std::vector<RoomKey> SociTransaction::find_ranks_batched(
    const std::string& user_id, int64_t version, const std::vector<const RoomKey*>& wanted) {
  constexpr size_t kBatch = 400;
  std::vector<RoomKey> found;
  std::string head =
      "SELECT " + kRankColumns + " FROM rk_keys" + dialect_.by_key_index + " WHERE user_id = ";
  append_hex_literal(head, user_id);
  head += " AND version = " + std::to_string(version) + " AND (room_id, session_id) IN (";
  for (size_t begin = 0; begin < wanted.size(); begin += kBatch) {
    const size_t end = std::min(wanted.size(), begin + kBatch);
    std::string query = head;
    for (size_t i = begin; i < end; ++i) {
      query += i == begin ? "(" : ", (";
      append_key_pair(query, *wanted[i]);
      query += ')';
    }
    query += ")";
    KeyRow row;
    soci::statement st(sql_);
    row.bind(st, false);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) found.push_back(row.fetched());
  }
  return found;
}

void SociTransaction::upsert_keys(const std::string& user_id, int64_t version,
                                  const std::vector<const RoomKey*>& keys) {
  if (keys.empty()) return;
  if (dialect_.multi_row_statements) {
    upsert_keys_batched(user_id, version, keys);
  } else {
    upsert_keys_one_by_one(user_id, version, keys);
  }
}

void SociTransaction::upsert_keys_one_by_one(const std::string& user_id, int64_t version,
                                             const std::vector<const RoomKey*>& keys) {
  auto& row = statements_.get<UpsertKeyRow>(sql_, dialect_);
  row.user_id = user_id;
  row.version = version;
  for (const RoomKey* key : keys) {
    row.key.room_id = key->room_id;
    row.key.session_id = key->session_id;
    row.key.session_data = key->session_data;
    row.first_message_index = key->rank.first_message_index;
    row.forwarded_count = key->rank.forwarded_count;
    row.is_verified = key->rank.is_verified ? 1 : 0;
    StatementRun running(row);
    row.st.execute(true);
  }
}

void SociTransaction::upsert_keys_batched(const std::string& user_id, int64_t version,
                                          const std::vector<const RoomKey*>& keys) {
  // Multi-row statements: one round trip per batch. Statements stay well under MySQL's
  // max_allowed_packet.
  constexpr size_t kMaxRows = 200;
  constexpr size_t kMaxStatementBytes = 4 << 20;
  constexpr size_t kRowOverhead = 80;  // quotes, commas, the rank's three numbers
  std::string row_head = "(";
  append_hex_literal(row_head, user_id);
  row_head += ", " + std::to_string(version) + ", ";
  const std::string tail = upsert_tail(dialect_);
  for (size_t begin = 0; begin < keys.size();) {
    std::string query = kInsertKeys + " VALUES ";
    // The batch and its size first, so the text is reserved once and never copied as it grows.
    size_t end = begin;
    size_t size = query.size() + tail.size();
    while (end < keys.size() && end - begin < kMaxRows && size < kMaxStatementBytes) {
      const RoomKey& key = *keys[end++];
      size += row_head.size() + kRowOverhead +
              2 * (key.room_id.size() + key.session_id.size() + key.session_data.size());
    }
    query.reserve(size);
    for (size_t i = begin; i < end; ++i) {
      const RoomKey& key = *keys[i];
      if (i != begin) query += ", ";
      query += row_head;
      append_key_pair(query, key);
      query += ", " + std::to_string(key.rank.first_message_index) + ", " +
               std::to_string(key.rank.forwarded_count) +
               (key.rank.is_verified ? ", 1, " : ", 0, ");
      append_hex_literal(query, key.session_data);
      query += ')';
    }
    query += tail;
    run_mysql_text(sql_, query);
    begin = end;
  }
}

KeyInVersion SociTransaction::find_key(const std::string& user_id, int64_t version,
                                       const std::string& room_id, const std::string& session_id) {
  auto& query = statements_.get<KeyQuery>(sql_);
  query.user_id = user_id;
  query.version = version;
  query.room_id = room_id;
  query.session_id = session_id;
  StatementRun running(query);
  KeyInVersion found;
  if (!query.st.execute(true) || query.deleted != 0) return found;
  found.version_live = true;
  if (query.present[0] == soci::i_ok) found.key = query.row.fetched();
  return found;
}

int64_t SociTransaction::delete_keys(const std::string& user_id, int64_t version, KeyScope scope) {
  const long long id = version;
  soci::statement st(sql_);
  bind_scope(st, user_id, id, scope);
  st.alloc();
  st.prepare("DELETE FROM rk_keys WHERE " + ScopedQuery(scope).where);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

void SociTransaction::for_each_key(const std::string& user_id, int64_t version, KeyScope scope,
                                   const std::function<bool(const RoomKey&)>& visit) {
  // One statement where rows stream from the database as they are fetched (SQLite); keyset pages
  // in the table's clustered order where the client library buffers a whole result (MySQL), so
  // that memory stays bounded. Each page is a range scan of the primary key.
  const int kPageRows = dialect_.page_rows;
  const long long id = version;
  const std::string select = "SELECT " + kKeyColumns + (kPageRows > 0 ? ", seq" : "") +
                             " FROM rk_keys" + dialect_.in_key_order + " WHERE " +
                             ScopedQuery(scope).where;
  const std::string order = " ORDER BY " + dialect_.key_order +
                            (kPageRows > 0 ? " LIMIT " + std::to_string(kPageRows) : "");
  std::string after_room;
  long long seq = 0, after_seq = 0;
  for (bool first_page = true;; first_page = false) {
    KeyRow row;
    soci::statement st(sql_);
    row.bind(st, true);
    if (kPageRows > 0) st.exchange(into(seq));
    bind_scope(st, user_id, id, scope);
    std::string query = select;
    if (!first_page) {
      query += " AND (room_id > :after_room OR (room_id = :same_room AND seq > :after_seq))";
      st.exchange(use(after_room));
      st.exchange(use(after_room));
      st.exchange(use(after_seq));
    }
    st.alloc();
    st.prepare(query + order);
    st.define_and_bind();
    st.execute(false);
    int rows = 0;
    while (st.fetch()) {
      ++rows;
      if (!visit(row.fetched())) return;
    }
    if (kPageRows == 0 || rows < kPageRows) return;
    after_room = row.key.room_id;
    after_seq = seq;
  }
}

}  // namespace roomkeys

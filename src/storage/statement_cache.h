// Prepared statements kept per pooled connection. Parsing and planning SQL costs more than
// running a point lookup, so the hot statements are prepared once per connection and afterwards
// only re-run with new values in the variables they are bound to.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>
#include <typeindex>
#include <unordered_map>

namespace roomkeys {

// A prepared statement. Each kind derives from this, holds the variables `st` is bound to, and
// is constructed from the session (plus any arguments given to StatementCache::get): it binds
// them with st.exchange() and then calls prepare().
struct CachedStatement {
  explicit CachedStatement(soci::session& sql);
  virtual ~CachedStatement() = default;
  void prepare(const std::string& query);

  soci::statement st;
  const bool on_sqlite;
};

class StatementCache {
 public:
  // The connection's statement of kind T, prepared on first use by T(sql, args...).
  template <class T, class... Args>
  T& get(soci::session& sql, const Args&... args) {
    std::unique_ptr<CachedStatement>& slot = statements_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_unique<T>(sql, args...);
    return static_cast<T&>(*slot);
  }

  // Forgets every statement: before the connection is replaced, and after a failure that may
  // have left one half-run.
  void clear() { statements_.clear(); }

 private:
  std::unordered_map<std::type_index, std::unique_ptr<CachedStatement>> statements_;
};

// Ends one run of a cached statement when it goes out of scope. On SQLite a SELECT left on a
// row keeps its read snapshot (and holds back WAL checkpoints) until it is reset.
class StatementRun {
 public:
  explicit StatementRun(CachedStatement& statement) : statement_(statement) {}
  ~StatementRun();
  StatementRun(const StatementRun&) = delete;
  StatementRun& operator=(const StatementRun&) = delete;

 private:
  CachedStatement& statement_;
};

}  // namespace roomkeys

#include "storage/statement_cache.h"

#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

namespace roomkeys {

CachedStatement::CachedStatement(soci::session& sql)
    : st(sql), on_sqlite(sql.get_backend_name() == "sqlite3") {}

void CachedStatement::prepare(const std::string& query) {
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
}

StatementRun::~StatementRun() {
  if (!statement_.on_sqlite) return;
  // SOCI's SQLite backend exports no reset of its own; its statement handle is a public member.
  auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement_.st.get_backend());
  if (backend->stmt_ != nullptr) sqlite3_reset(backend->stmt_);
}

}  // namespace roomkeys

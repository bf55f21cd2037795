// The repository's pooled connections, each with its prepared statements and a flag saying it
// broke last time and must reconnect before its next use.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "storage/backend.h"
#include "storage/sql_errors.h"
#include "storage/statement_cache.h"
#include "storage/storage_metrics.h"

namespace roomkeys {

class ConnectionPool {
 public:
  // `writer`: the connections are configured as the writer (Backend::writer_on_connect).
  ConnectionPool(const Backend& backend, size_t size, StorageMetrics& metrics, bool writer = false)
      : backend_(backend),
        pool_(size),
        broken_(size, 0),
        statements_(size),
        metrics_(metrics),
        writer_(writer) {}

  // Opens every connection; throws soci::soci_error when the database cannot be reached.
  void open_all();

  // One pooled connection for one unit of work, given back when the lease ends.
  class Lease {
   public:
    explicit Lease(ConnectionPool& pool) : pool_(pool), position_(pool.lease()) {}
    ~Lease() { pool_.pool_.give_back(position_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    soci::session& session() { return pool_.pool_.at(position_); }
    StatementCache& statements() { return pool_.statements_[position_]; }
    // Reconnects when the last use broke the connection; throws soci_error while the database
    // is away.
    void ensure_connected();
    void mark_broken_if(Failure failure) {
      if (failure == Failure::kConnectionLost) pool_.broken_[position_] = 1;
    }

   private:
    ConnectionPool& pool_;
    size_t position_;
  };

 private:
  size_t lease();  // waits for a free connection, counting the wait

  const Backend& backend_;
  soci::connection_pool pool_;
  std::vector<char> broken_;  // per pooled connection; touched only by its lease holder
  // Per pooled connection, destroyed before the pool closes the connections.
  std::vector<StatementCache> statements_;
  StorageMetrics& metrics_;
  bool writer_;
};

}  // namespace roomkeys

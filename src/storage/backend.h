// How to reach and speak to one kind of database: the SOCI backend, its connection string, the
// settings every (re)connected session gets, its SQL dialect and migrations.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/sql_dialect.h"

namespace roomkeys {

// Memory the SQLite backend may use (settings sqlite_cache_mb and sqlite_mmap_mb).
struct SqliteTuning {
  // The page cache of the one connection that writes: it holds the hot part of the key index
  // (about 100 bytes a key), so large uploads into large backups stay fast. Anonymous memory.
  size_t writer_cache_mb = 128;
  // How much of the file is read through a memory map (page-cache memory shared with the
  // kernel, not the process's own); 0 turns it off. SQLite caps it (2 GiB in Debian's build).
  size_t mmap_mb = 2048;
};

struct Backend {
  DatabaseUrl::Backend kind;
  const soci::backend_factory* factory;
  std::string connect_string;
  const SqlDialect* dialect;
  const std::vector<Migration>* migrations;
  std::vector<std::string> on_connect;         // after every (re)connect
  std::vector<std::string> writer_on_connect;  // after those, on the dedicated writer (SQLite)
  // The database takes one writer at a time (SQLite): writers of this process commit in groups
  // (see write_queue.h) and otherwise queue on a mutex, waking the moment the previous one
  // commits, instead of polling the file lock in sleeps of up to 100 ms (SQLite's busy handler)
  // that starve some of them for seconds. Other processes on the file wait through the busy
  // timeout.
  bool one_writer = false;
  // SQLite: true when the database file was deleted or replaced since this session opened it;
  // writes would then go to a file nobody will ever open again, so they are refused.
  bool (*file_gone)(soci::session& sql) = nullptr;
  // After on_connect, statements that only some servers of the family know (a failure is
  // ignored): on a MariaDB Galera node, wsrep_sync_wait = 1 makes every read wait until the node
  // has applied what the cluster committed before it, so a client that wrote through one node
  // reads its write through any other.
  std::vector<std::string> optional_on_connect;

  // Runs on_connect (and writer_on_connect for the writer) on a fresh or reconnected session.
  void configure(soci::session& sql, bool writer = false) const;
};

// A value for a keyword=value connection string (SOCI's and libpq's alike): quoted, with ' and
// \ escaped.
std::string quote_connection_value(const std::string& value);

// kInvalidArgument when the URL cannot be used as a connection string.
Result<Backend> backend_for(const DatabaseUrl& url, const SqliteTuning& tuning = {});

}  // namespace roomkeys

// What differs between the SQL of the backends; everything else is shared text.
#pragma once

#include <string>
#include <vector>

namespace roomkeys {

struct SqlDialect {
  std::vector<std::string> begin_read;   // statements that open a read transaction
  std::vector<std::string> begin_write;  // ... a write transaction
  // Makes the user's row and takes its write lock, so one user's writes run one at a time.
  std::string lock_user;
  // Appended to "INSERT INTO rk_keys (...) VALUES (...), (...)" to overwrite existing keys.
  std::string upsert_keys_tail;
  // Look up many (room, session) pairs in one query rather than one query each.
  bool batch_point_lookups;
  // Rows per query when reading keys; 0: one query streams them all.
  int page_rows;

  static const SqlDialect& sqlite();
  static const SqlDialect& mysql();
};

}  // namespace roomkeys

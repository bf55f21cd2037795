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
  // Opens a list of (room_id, session_id) row values after "IN ".
  std::string row_values_open;

  static const SqlDialect& sqlite();
  static const SqlDialect& mysql();
};

}  // namespace roomkeys

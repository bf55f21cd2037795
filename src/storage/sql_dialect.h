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
  // An upsert of keys is "INSERT ... VALUES (...)" + upsert_on_conflict + "col = " +
  // upsert_new_value_open + col + upsert_new_value_close for each value column.
  std::string upsert_on_conflict;
  std::string upsert_new_value_open;
  std::string upsert_new_value_close;
  // Many rows per statement (one network round trip each) rather than one prepared statement
  // executed per row. In-process SQLite wants the latter: each execution costs microseconds,
  // while its planner scans for a list of bound pairs and it looks up every named parameter
  // of a statement by a linear search (quadratic in a 800-parameter insert). Multi-row
  // statements carry their values as literals (mysql_text_statement.h).
  bool multi_row_statements;
  // After "FROM rk_keys" where a lookup goes by (room, session): MariaDB otherwise also weighs
  // the room index, probing it once per looked-up pair (milliseconds for a 100-key upload).
  std::string by_key_index;
  // The length in bytes of the session_data column (SQLite's LENGTH counts characters of TEXT).
  std::string session_data_bytes;
  // Rows per query when reading keys; 0: one query streams them all. Pages continue after the
  // last row's (room_id, seq): only the MySQL table has seq (sql/mysql/0003).
  int page_rows;
  // The order keys are read in: one room after another, in the table's own order within a room.
  std::string key_order;
  // After "FROM rk_keys" where keys are read in key_order: MariaDB may otherwise take the room
  // index, which has that order too, and look every row up by primary key.
  std::string in_key_order;

  static const SqlDialect& sqlite();
  static const SqlDialect& mysql();
};

}  // namespace roomkeys

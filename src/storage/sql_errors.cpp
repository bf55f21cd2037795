#include "storage/sql_errors.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

namespace roomkeys {

Failure classify(const soci::soci_error& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    switch (sqlite->result() & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Failure::kTransient;
      case SQLITE_FULL:
        return Failure::kStorageFull;
      case SQLITE_CANTOPEN:
      case SQLITE_IOERR:
      case SQLITE_READONLY:
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return Failure::kUnavailable;
      default:
        return Failure::kInternal;
    }
  }
  if (const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&error)) {
    switch (mysql->err_num_) {
      case 1205:  // lock wait timeout
      case 1213:  // deadlock
        return Failure::kTransient;
      case 1040:  // too many connections
      case 1053:  // server shutdown in progress
      case 1927:  // connection killed
      case 2002:  // cannot connect (socket)
      case 2003:  // cannot connect (TCP)
      case 2005:  // unknown host
      case 2006:  // server has gone away
      case 2013:  // lost connection during query
      case 2055:  // lost connection
        return Failure::kConnectionLost;
      case 1047:  // ER_UNKNOWN_COM_ERROR: a Galera node not ready (its cluster is changing
                  // members, or it is rejoining): run the work again a moment later
        return Failure::kTransient;
      case 1180:  // ER_ERROR_DURING_COMMIT: Galera could not replicate it (node cut off); the
                  // transaction is rolled back
        return Failure::kUnavailable;
      case 1021:  // ER_DISK_FULL
      case 1114:  // ER_RECORD_FILE_FULL: the table (space) is full
        return Failure::kStorageFull;
      default:
        return Failure::kInternal;
    }
  }
  return Failure::kUnavailable;  // e.g. SOCI's own "failed to reconnect"
}

int mysql_error_number(const soci::soci_error& error) {
  const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&error);
  return mysql == nullptr ? 0 : static_cast<int>(mysql->err_num_);
}

std::string error_code_suffix(const soci::soci_error& error) {
  const int number = mysql_error_number(error);
  return number == 0 ? "" : " (MySQL error " + std::to_string(number) + ")";
}

bool reconnect_failed(const soci::soci_error& error) {
  const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&error);
  return mysql == nullptr || mysql->err_num_ == 2002 || mysql->err_num_ == 2003 ||
         mysql->err_num_ == 2005;
}

}  // namespace roomkeys

// What a database error means for the request that met it: retry, reconnect, or give up.
#pragma once

#include <soci/soci.h>

#include <string>

namespace roomkeys {

enum class Failure {
  kTransient,       // a conflict (busy, deadlock, lock wait): run the work again
  kConnectionLost,  // the connection is dead: reconnect before its next use
  kUnavailable,     // the database cannot serve now (file unusable, cannot reconnect)
  kStorageFull,     // the database's disk (or table space) is full: nothing was written
  kInternal,        // anything else: a bug or a schema problem
};

Failure classify(const soci::soci_error& error);

// The MySQL/MariaDB error number of `error`; 0 for an error of another backend.
int mysql_error_number(const soci::soci_error& error);

// " (MySQL error 1213)" for a MySQL/MariaDB error, "" for others: for the log, so that an operator
// can look the code up.
std::string error_code_suffix(const soci::soci_error& error);

// The connection could not even be made: retrying at once would fail the same way.
bool reconnect_failed(const soci::soci_error& error);

}  // namespace roomkeys

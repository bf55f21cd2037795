// SQL text for MySQL/MariaDB built and run without SOCI's bound values.
//
// SOCI's MySQL backend substitutes bound strings on the client with mysql_real_escape_string,
// whose per-byte character-set checks were a third of the server's CPU during uploads (~1.3 KB
// per key), and then scans and copies the statement a character at a time for placeholders,
// another quarter for a 100-key upsert of ~260 KB. Multi-row statements therefore carry their
// values as literals and run on SOCI's native connection handle.
#pragma once

#include <soci/soci.h>

#include <string>
#include <string_view>

namespace roomkeys {

// Appends X'...': a hex literal carries any bytes into a binary column and holds nothing but
// hex digits, whatever the server's sql_mode.
void append_hex_literal(std::string& sql, std::string_view bytes);

// Runs `statement` on `sql`, which must be a MySQL session; the statement has no placeholders
// and returns no rows. Throws soci::mysql_soci_error with the server's error number, as SOCI
// itself does.
void run_mysql_text(soci::session& sql, std::string_view statement);

}  // namespace roomkeys

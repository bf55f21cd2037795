#include "storage/mysql_text_statement.h"

#include <soci/mysql/soci-mysql.h>

namespace roomkeys {

void append_hex_literal(std::string& sql, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  sql += "X'";
  const size_t at = sql.size();
  sql.resize(at + 2 * bytes.size());
  char* out = sql.data() + at;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    *out++ = kDigits[byte >> 4];
    *out++ = kDigits[byte & 0x0f];
  }
  sql += '\'';
}

void run_mysql_text(soci::session& sql, std::string_view statement) {
  // Only MySQL sessions get here; Debian's SOCI exports no typeinfo for dynamic_cast.
  MYSQL* connection = static_cast<soci::mysql_session_backend*>(sql.get_backend())->conn_;
  if (mysql_real_query(connection, statement.data(), statement.size()) != 0) {
    throw soci::mysql_soci_error(mysql_error(connection),
                                 static_cast<int>(mysql_errno(connection)));
  }
  // A statement without a result set leaves none; anything else is drained so the connection
  // can take the next statement.
  if (MYSQL_RES* result = mysql_store_result(connection)) mysql_free_result(result);
}

}  // namespace roomkeys

# Build-time script: turns the migrations of one backend into a C++ source, so that the module
# carries its schema with it. Invoked with -DBACKEND=... -DSQL_DIR=... -DOUTPUT=...
file(GLOB files RELATIVE "${SQL_DIR}" "${SQL_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT files)
set(entries "")
foreach(file IN LISTS files)
  string(SUBSTRING "${file}" 0 4 number)
  math(EXPR number "1${number} - 10000")  # strip leading zeros
  string(REGEX REPLACE "\\.sql$" "" name "${file}")
  file(READ "${SQL_DIR}/${file}" text)
  string(APPEND entries "    {${number}, \"${name}\", R\"roomkeys_sql(${text})roomkeys_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}"
"// Generated from sql/${BACKEND}/ by cmake/EmbedSql.cmake; do not edit.
#include \"storage/migrations.h\"

namespace roomkeys {

const std::vector<Migration>& ${BACKEND}_migrations() {
  static const std::vector<Migration> migrations = {
${entries}  };
  return migrations;
}

}  // namespace roomkeys
")

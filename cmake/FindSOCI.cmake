# Finds SOCI, which Debian ships without CMake or pkg-config files.
# Components name backends (sqlite3, mysql); each becomes SOCI::<component>, and SOCI::core
# always exists. Sets SOCI_FOUND.
include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY soci_core)
find_package(Boost QUIET)  # soci/boost-*.h want it; optional

set(_soci_required SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
# soci-mysql.h includes <mysql.h>, which Debian's libmariadb-dev keeps in include/mariadb.
if("mysql" IN_LIST SOCI_FIND_COMPONENTS)
  find_path(SOCI_MYSQL_CLIENT_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql)
  # The client library itself, for statements run on SOCI's native connection handle.
  find_library(SOCI_MYSQL_CLIENT_LIBRARY NAMES mariadb mysqlclient)
  mark_as_advanced(SOCI_MYSQL_CLIENT_INCLUDE_DIR SOCI_MYSQL_CLIENT_LIBRARY)
endif()

foreach(_component IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_component}_LIBRARY soci_${_component})
  if(SOCI_${_component}_LIBRARY)
    set(SOCI_${_component}_FOUND TRUE)
  endif()
  if(_component STREQUAL "mysql" AND (NOT SOCI_MYSQL_CLIENT_INCLUDE_DIR OR NOT SOCI_MYSQL_CLIENT_LIBRARY))
    set(SOCI_${_component}_FOUND FALSE)
  endif()
  if(SOCI_FIND_REQUIRED_${_component})
    list(APPEND _soci_required SOCI_${_component}_LIBRARY)
  endif()
endforeach()

find_package_handle_standard_args(SOCI REQUIRED_VARS ${_soci_required} HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  target_link_libraries(SOCI::core INTERFACE ${CMAKE_DL_LIBS})
endif()
foreach(_component IN LISTS SOCI_FIND_COMPONENTS)
  if(SOCI_${_component}_FOUND AND NOT TARGET SOCI::${_component})
    add_library(SOCI::${_component} UNKNOWN IMPORTED)
    set_target_properties(SOCI::${_component} PROPERTIES
                          IMPORTED_LOCATION "${SOCI_${_component}_LIBRARY}")
    target_link_libraries(SOCI::${_component} INTERFACE SOCI::core)
    if(_component STREQUAL "mysql")
      target_include_directories(SOCI::mysql INTERFACE "${SOCI_MYSQL_CLIENT_INCLUDE_DIR}")
      target_link_libraries(SOCI::mysql INTERFACE "${SOCI_MYSQL_CLIENT_LIBRARY}")
    endif()
  endif()
endforeach()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)

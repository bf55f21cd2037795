# Finds Pistache through the pkg-config file Debian ships; provides Pistache::Pistache.
include(FindPackageHandleStandardArgs)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_PISTACHE QUIET IMPORTED_TARGET libpistache)
endif()
find_package_handle_standard_args(Pistache REQUIRED_VARS PC_PISTACHE_FOUND
                                  VERSION_VAR PC_PISTACHE_VERSION)
if(Pistache_FOUND AND NOT TARGET Pistache::Pistache)
  add_library(Pistache::Pistache INTERFACE IMPORTED)
  target_link_libraries(Pistache::Pistache INTERFACE PkgConfig::PC_PISTACHE)
endif()

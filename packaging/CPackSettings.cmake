# CPack: one .deb and one .rpm per component, from the same build.
#   roomkeys-module   roomkeys.so in ${ROOMKEYS_MODULES_DIR}, its SQL migrations, docs
#   roomkeys-server   roomkeys-server, its systemd unit and /etc/roomkeys/roomkeys-server.conf
#   roomkeys-dev      the C ABI header and its pkg-config file
set(CPACK_PACKAGE_NAME roomkeys)
set(CPACK_PACKAGE_VENDOR "roomkeys")
set(CPACK_PACKAGE_CONTACT "roomkeys maintainers <maintainers@roomkeys.org>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://roomkeys.org/")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB;RPM")
set(CPACK_COMPONENTS_ALL module server dev)
set(CPACK_COMPONENT_SERVER_DEPENDS module)

set(module_summary "Matrix room-key backups: the homeserver module")
set(module_text "roomkeys implements the Matrix client-server API for server-side room-key
backups (/_matrix/client/*/room_keys/*) as a shared object that host servers
load through a stable C ABI. Keys are stored in SQLite or MariaDB/MySQL.")
set(server_summary "Matrix room-key backups: standalone server")
set(server_text "roomkeys-server serves the Matrix room-key backup API over HTTP by loading
the roomkeys module through its C ABI, with a hardened systemd unit.")
set(dev_summary "Matrix room-key backups: C ABI header for host servers")
set(dev_text "The C99 header and pkg-config file that host servers use to load the
roomkeys module.")

# --- Debian ---
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)  # a dlopen()ed module, not a library to link
foreach(component module server dev)
  string(TOUPPER ${component} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME roomkeys-${component})
  set(CPACK_COMPONENT_${C}_DESCRIPTION "${${component}_summary}\n${${component}_text}")
endforeach()
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(deb ${CMAKE_CURRENT_SOURCE_DIR}/deb)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${deb}/conffiles;${deb}/postinst;${deb}/prerm;${deb}/postrm")

# --- RPM ---
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_URL "https://roomkeys.org/")
foreach(component module server dev)
  string(TOUPPER ${component} C)
  set(CPACK_RPM_${C}_PACKAGE_NAME roomkeys-${component})
  set(CPACK_RPM_${C}_PACKAGE_SUMMARY "${${component}_summary}")
  set(CPACK_RPM_${C}_PACKAGE_DESCRIPTION "${${component}_text}")
endforeach()
set(CPACK_RPM_DEV_PACKAGE_ARCHITECTURE noarch)
set(CPACK_RPM_SERVER_PACKAGE_REQUIRES "roomkeys-module = ${PROJECT_VERSION}")
set(CPACK_RPM_SERVER_USER_FILELIST "%config(noreplace) /etc/roomkeys/roomkeys-server.conf")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /etc /usr/lib/systemd /usr/lib/systemd/system /usr/share/pkgconfig /usr/include
    /usr/share/man /usr/share/man/man1)
set(rpm ${CMAKE_CURRENT_SOURCE_DIR}/rpm)
set(CPACK_RPM_SERVER_POST_INSTALL_SCRIPT_FILE ${rpm}/post.sh)
set(CPACK_RPM_SERVER_PRE_UNINSTALL_SCRIPT_FILE ${rpm}/preun.sh)
set(CPACK_RPM_SERVER_POST_UNINSTALL_SCRIPT_FILE ${rpm}/postun.sh)

include(CPack)

# RecvalPackage.cmake - `cpack -G DEB` from a build tree: one Debian
# package holding everything `cmake --install` installs, under /usr.
# Included at the end of RecvalInstall.cmake.

set(CPACK_PACKAGE_NAME recval)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the recval project")
set(CPACK_PACKAGE_CONTACT "recval maintainers <recval@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "validator for recorded LLM API traffic (tool, library, headers)")
set(CPACK_PACKAGE_DESCRIPTION
    "recval checks recordings of LLM API traffic (JSON files holding one request
and the provider's response, replayed by integration tests) for the defects
that break replay. This package holds the recval command, the shared and
static librecval, its header, CMake and pkg-config files, the man page and
bash completion.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Shared-library dependencies come from dpkg-shlibdeps (dpkg-dev) when it is
# there; without it, the Debian 12 names of what recval links.
find_program(RECVAL_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(RECVAL_FILE_PROGRAM file)
if(RECVAL_DPKG_SHLIBDEPS AND RECVAL_FILE_PROGRAM)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libjson-c5, libpcre2-8-0, libssl3")
endif()
# The library's shlibs file and ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# What linking the static library, or pkg-config's Requires.private, needs.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "pkg-config, libjson-c-dev, libpcre2-dev, libssl-dev")

include(CPack)

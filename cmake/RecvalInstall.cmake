# RecvalInstall.cmake - makes recval installable and usable from other
# projects. Included at the end of CMakeLists.txt, after the library
# (RECVAL_LIBRARY_TARGET, default recvalcore) and the `recval` tool exist.
#
# The CLI and the suites keep linking the internal static library. From the
# same objects this file builds the two libraries that get installed:
#   recval_shared  librecval.so.<major>.<minor>, exporting only recval_*
#                  (objects are built -fvisibility=hidden, RecvalOptions.cmake;
#                  recval.h marks the API RECVAL_API)
#   recval_static  librecval.a, every object of the library in one archive
# and installs them with recval.h, a CMake package (recval::recval, and
# recval::recval_static with COMPONENTS static), recval.pc, the man page
# and bash completion. RecvalPackage.cmake turns that into a .deb.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(NOT DEFINED RECVAL_LIBRARY_TARGET)
  set(RECVAL_LIBRARY_TARGET recvalcore)
endif()

# The pkg-config modules the library is built on: Requires.private of
# recval.pc, and what recvalConfig.cmake looks for when the static library
# is asked for. recval.h exposes none of them.
set(RECVAL_PC_REQUIRES_PRIVATE "json-c libpcre2-8 libcrypto")
set(RECVAL_PC_LIBS_PRIVATE "-lpthread -lm")
separate_arguments(_recval_pc_modules UNIX_COMMAND "${RECVAL_PC_REQUIRES_PRIVATE}")
pkg_check_modules(recval_deps REQUIRED IMPORTED_TARGET ${_recval_pc_modules})

# `target` and every static library of this project it links, recursively
# (the library may be split into several static targets).
function(recval_static_parts target out)
  set(parts ${target})
  get_target_property(libs ${target} LINK_LIBRARIES)
  foreach(lib IN LISTS libs)
    if(TARGET "${lib}")
      get_target_property(imported ${lib} IMPORTED)
      get_target_property(type ${lib} TYPE)
      if(NOT imported AND type STREQUAL "STATIC_LIBRARY")
        recval_static_parts(${lib} sub)
        list(APPEND parts ${sub})
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES parts)
  set(${out} ${parts} PARENT_SCOPE)
endfunction()

recval_static_parts(${RECVAL_LIBRARY_TARGET} RECVAL_LIBRARY_PARTS)
set(_recval_objects "")
foreach(part IN LISTS RECVAL_LIBRARY_PARTS)
  list(APPEND _recval_objects $<TARGET_OBJECTS:${part}>)
endforeach()

set(_recval_public_include
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/validator/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# The shared library. The SONAME carries major.minor: until the API is
# declared stable (1.0), a new 0.x minor may break it, so 0.1 and 0.2 must
# not share a SONAME. Linking the internal library after its own objects
# only brings in its external dependencies (json-c, PCRE2, libcrypto).
add_library(recval_shared SHARED ${_recval_objects})
target_link_libraries(recval_shared PRIVATE ${RECVAL_LIBRARY_TARGET})
target_link_options(recval_shared PRIVATE LINKER:--no-undefined)
target_include_directories(recval_shared INTERFACE ${_recval_public_include})
set_target_properties(recval_shared PROPERTIES
  OUTPUT_NAME recval EXPORT_NAME recval
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})

# The installed static library: the same objects in one archive.
add_library(recval_static STATIC ${_recval_objects})
target_link_libraries(recval_static PRIVATE PkgConfig::recval_deps Threads::Threads m)
target_include_directories(recval_static INTERFACE ${_recval_public_include})
set_target_properties(recval_static PROPERTIES OUTPUT_NAME recval EXPORT_NAME recval_static)

set(RECVAL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/recval)

install(TARGETS recval RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS recval_shared EXPORT recvalTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS recval_static EXPORT recvalStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/validator/include/recval.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# CMake package: find_package(recval [COMPONENTS static]).
install(EXPORT recvalTargets NAMESPACE recval:: DESTINATION ${RECVAL_CMAKE_DIR})
install(EXPORT recvalStaticTargets NAMESPACE recval:: DESTINATION ${RECVAL_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/recvalConfig.cmake.in
  ${PROJECT_BINARY_DIR}/recvalConfig.cmake INSTALL_DESTINATION ${RECVAL_CMAKE_DIR})
# 0.x: only the same minor version is compatible (see the SONAME above).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/recvalConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/recvalConfig.cmake
  ${PROJECT_BINARY_DIR}/recvalConfigVersion.cmake DESTINATION ${RECVAL_CMAKE_DIR})

# pkg-config. The file names the prefix it is installed under, which is
# known only at install time (`cmake --install --prefix`, cpack), so it is
# written then.
set(RECVAL_PC_IN ${PROJECT_SOURCE_DIR}/cmake/recval.pc.in)
set(RECVAL_PC_OUT ${PROJECT_BINARY_DIR}/pkgconfig/recval.pc)
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  set(libdir \"${CMAKE_INSTALL_LIBDIR}\")
  set(includedir \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(version \"${PROJECT_VERSION}\")
  set(requires_private \"${RECVAL_PC_REQUIRES_PRIVATE}\")
  set(libs_private \"${RECVAL_PC_LIBS_PRIVATE}\")
  configure_file(\"${RECVAL_PC_IN}\" \"${RECVAL_PC_OUT}\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\"
       TYPE FILE FILES \"${RECVAL_PC_OUT}\")")

# Man page (compressed with gzip -9n, as Debian wants, when gzip is there)
# and bash completion.
set(RECVAL_MAN_PAGE ${PROJECT_SOURCE_DIR}/docs/recval.1)
find_program(RECVAL_GZIP gzip)
if(RECVAL_GZIP)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/recval.1.gz
    COMMAND ${CMAKE_COMMAND} -E copy ${RECVAL_MAN_PAGE} recval.1
    COMMAND ${RECVAL_GZIP} -9nf recval.1
    DEPENDS ${RECVAL_MAN_PAGE} WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    COMMENT "Compressing the man page" VERBATIM)
  add_custom_target(recval_man ALL DEPENDS ${PROJECT_BINARY_DIR}/recval.1.gz)
  set(RECVAL_MAN_PAGE ${PROJECT_BINARY_DIR}/recval.1.gz)
endif()
install(FILES ${RECVAL_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/recval.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME recval)

if(RECVAL_BUILD_TESTS)
  # Only recval_* leaves the shared library, and all of recval.h does.
  add_test(NAME recval_exports
    COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:recval_shared>
            -DHEADER=${PROJECT_SOURCE_DIR}/validator/include/recval.h -DNM=${CMAKE_NM}
            -P ${PROJECT_SOURCE_DIR}/cmake/CheckExports.cmake)
  # Every global name in librecval.a is recval_* or internal (rv_*, RV_*,
  # js_* for the schema engine): scripts/dev/prefix-internal-symbols.sh
  # prefixes any new one.
  add_test(NAME recval_archive_names
    COMMAND ${CMAKE_COMMAND} -DARCHIVE=$<TARGET_FILE:recval_static>
            -DPREFIXES=recval_,rv_,RV_,js_ -DNM=${CMAKE_NM}
            -P ${PROJECT_SOURCE_DIR}/cmake/CheckExports.cmake)
  # The man page and the completion know every subcommand and option that
  # `recval --help` and docs/cli.md name.
  add_test(NAME recval_manpage
    COMMAND ${CMAKE_COMMAND} -DRECVAL=$<TARGET_FILE:recval>
            -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/CheckManPage.cmake)
  add_test(NAME recval_completion
    COMMAND bash ${PROJECT_SOURCE_DIR}/suites/check_completion.sh
            ${PROJECT_SOURCE_DIR}/scripts/completion/recval.bash $<TARGET_FILE:recval>)
endif()

include(${PROJECT_SOURCE_DIR}/cmake/RecvalPackage.cmake)

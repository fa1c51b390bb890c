# RecvalOptions.cmake - build options and code-generation settings that must
# be in place before any target is made. Included by CMakeLists.txt right
# after project(); RecvalInstall.cmake does the rest of the packaging.
#
#   RECVAL_BUILD_TESTS  build the cmocka suites and register CTest tests
#                       (default ON; OFF needs no cmocka)
#   RECVAL_WERROR       make compiler warnings errors (default ON, as in CI;
#                       packagers building with other compilers turn it OFF)

option(RECVAL_BUILD_TESTS "Build the test suites (needs cmocka)" ON)
option(RECVAL_WERROR "Treat compiler warnings as errors" ON)

if(RECVAL_WERROR)
  add_compile_options(-Werror)
endif()

# Every object can go into the shared library, which exports only what
# recval.h marks RECVAL_API (checked by the recval_exports test).
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_C_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)

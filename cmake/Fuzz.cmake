# Fuzz.cmake - the fuzz harnesses of fuzz/ (see docs/fuzzing.md).
#
# Always: one regression driver per harness (fuzz/driver.c, a plain main()
# around the harness function) and a CTest test that replays
# fuzz/regressions/<harness>/ and the seed corpora (made by
# fuzz/make_seeds.py into <build>/fuzz-seeds; the ../shared parts are
# skipped when it is absent) through it, with any compiler.
# RECVAL_FUZZ=ON (clang only): also the libFuzzer executables fuzz_<harness>,
# built with -fsanitize=fuzzer,address,undefined over an instrumented
# library.
option(RECVAL_FUZZ "Build the libFuzzer harnesses of fuzz/ (needs clang)" OFF)

# Harnesses reach internals (the engine, the base layer, json-c) as the
# suites do.
set(RECVAL_FUZZ_LIBS recvalcore recval_jsonschema recval_base PkgConfig::JSONC PkgConfig::PCRE2)

# One entry per harness: fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput.
#   check   recval_check_buffer() under several path styles
#   schema  the JSON Schema engine: schema + instance, fast vs collecting
#   replay  request hashing and replay folding
#   config  the configuration file and the --tests list parsers
# A new harness: add fuzz/fuzz_<name>.c, list it here, and give it
# fuzz/regressions/<name>/ and seeds in fuzz/make_seeds.py.
set(RECVAL_FUZZ_HARNESSES check schema replay config)

set(RECVAL_FUZZ_DIR ${PROJECT_SOURCE_DIR}/fuzz)
set(RECVAL_FUZZ_SEEDS ${PROJECT_BINARY_DIR}/fuzz-seeds)
set(RECVAL_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

if(RECVAL_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "RECVAL_FUZZ=ON needs clang: cmake -DCMAKE_C_COMPILER=clang ...")
  endif()
  # The library gets coverage instrumentation and the sanitizers; whatever
  # links it gets the sanitizer runtime.
  foreach(lib recvalcore recval_jsonschema recval_base)
    target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link ${RECVAL_FUZZ_SANITIZERS})
    target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
  endforeach()
endif()

find_program(RECVAL_PYTHON3 python3)
if(RECVAL_PYTHON3)
  add_test(NAME fuzz_seeds
    COMMAND ${RECVAL_PYTHON3} ${RECVAL_FUZZ_DIR}/make_seeds.py ${RECVAL_FUZZ_SEEDS}
            --source ${PROJECT_SOURCE_DIR} --shared ${RECVAL_SHARED_DIR})
  set_tests_properties(fuzz_seeds PROPERTIES FIXTURES_SETUP fuzz_seeds)
endif()

foreach(harness ${RECVAL_FUZZ_HARNESSES})
  set(sources ${RECVAL_FUZZ_DIR}/fuzz_${harness}.c ${RECVAL_FUZZ_DIR}/harness.c)
  add_executable(fuzz_driver_${harness} ${RECVAL_FUZZ_DIR}/driver.c ${sources})
  target_include_directories(fuzz_driver_${harness} PRIVATE ${PROJECT_SOURCE_DIR}/validator/src)
  target_link_libraries(fuzz_driver_${harness} PRIVATE ${RECVAL_FUZZ_LIBS})
  add_test(NAME fuzz_regressions_${harness}
    COMMAND fuzz_driver_${harness} ${RECVAL_FUZZ_DIR}/regressions/${harness}
            ?${RECVAL_FUZZ_SEEDS}/${harness}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(fuzz_regressions_${harness} PROPERTIES TIMEOUT 900
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  if(RECVAL_PYTHON3)
    set_tests_properties(fuzz_regressions_${harness} PROPERTIES FIXTURES_REQUIRED fuzz_seeds)
  endif()

  if(RECVAL_FUZZ)
    add_executable(fuzz_${harness} ${sources})
    target_include_directories(fuzz_${harness} PRIVATE ${PROJECT_SOURCE_DIR}/validator/src)
    target_compile_options(fuzz_${harness} PRIVATE -fsanitize=fuzzer ${RECVAL_FUZZ_SANITIZERS})
    target_link_options(fuzz_${harness} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${harness} PRIVATE ${RECVAL_FUZZ_LIBS})
  endif()
endforeach()

# CheckExports.cmake - checks the names the built libraries give away.
#
# The recval_exports test: the shared library exports exactly the public
# API. Fails on any exported (defined, dynamic) symbol not named recval_*,
# and on any function recval.h declares that the library does not export (a
# declaration without RECVAL_API).
#   cmake -DLIBRARY=librecval.so -DHEADER=recval.h -DNM=nm -P CheckExports.cmake
#
# The recval_archive_names test: every global symbol the static library
# defines starts with one of PREFIXES (comma-separated), so that linking librecval.a into a
# program cannot clash with the program's own names.
#   cmake -DARCHIVE=librecval.a -DPREFIXES=recval_,rv_,js_ -DNM=nm -P CheckExports.cmake
cmake_minimum_required(VERSION 3.25)

# The defined global symbols nm lists for `nm_args`, in `out`; the
# "ADDRESS TYPE NAME" lines of those not starting with one of `prefixes`
# in `out_foreign`. Names the compiler makes (`__`: AddressSanitizer's
# __odr_asan.* markers) are not the library's own.
function(defined_symbols nm_args prefixes out out_foreign)
  execute_process(COMMAND ${NM} ${nm_args} OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} ${nm_args} failed (${rc})")
  endif()
  list(JOIN prefixes "|" alternatives)
  string(REGEX MATCHALL "[0-9a-fA-F]+ [A-Za-z] [^\n]+" lines "${nm_out}")
  set(names "")
  set(foreign "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[0-9a-fA-F]+ [A-Za-z] " "" name "${line}")
    list(APPEND names ${name})
    if(NOT name MATCHES "^(${alternatives}|__)")
      list(APPEND foreign "${line}")
    endif()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
  set(${out_foreign} ${foreign} PARENT_SCOPE)
endfunction()

if(DEFINED ARCHIVE)
  string(REPLACE "," ";" PREFIXES "${PREFIXES}")
  defined_symbols("-g;--defined-only;${ARCHIVE}" "${PREFIXES}" names foreign)
  list(LENGTH names n)
  list(LENGTH foreign nforeign)
  message(STATUS "${ARCHIVE}: ${n} global symbols, ${nforeign} not named ${PREFIXES}")
  if(foreign)
    list(JOIN foreign "\n  " text)
    message(FATAL_ERROR "global symbols not named ${PREFIXES}:\n  ${text}")
  endif()
  return()
endif()

defined_symbols("-D;--defined-only;${LIBRARY}" "recval_" exported foreign)

# Every function recval.h declares: each `recval_name(` outside comments
# (which mention functions too).
file(READ ${HEADER} header)
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" header "${header}")
string(REGEX MATCHALL "recval_[a-z0-9_]+[ \t\n]*\\(" calls "${header}")
set(declared "")
foreach(call IN LISTS calls)
  string(REGEX REPLACE "[ \t\n]*\\($" "" name "${call}")
  list(APPEND declared ${name})
endforeach()
list(REMOVE_DUPLICATES declared)
set(missing "")
foreach(name IN LISTS declared)
  if(NOT name IN_LIST exported)
    list(APPEND missing ${name})
  endif()
endforeach()

list(LENGTH exported nexported)
list(LENGTH declared ndeclared)
message(STATUS "${LIBRARY}: ${nexported} exported symbols; ${HEADER}: ${ndeclared} functions")
if(foreign)
  list(JOIN foreign "\n  " text)
  message(SEND_ERROR "exported symbols not named recval_*:\n  ${text}")
endif()
if(missing)
  list(JOIN missing "\n  " text)
  message(SEND_ERROR "declared in recval.h but not exported (missing RECVAL_API?):\n  ${text}")
endif()
if(foreign OR missing)
  message(FATAL_ERROR "the shared library's exports do not match recval.h")
endif()

# CheckExports.cmake - the recval_exports test: the shared library exports
# exactly the public API. Fails on any exported (defined, dynamic) symbol
# not named recval_*, and on any function recval.h declares that the
# library does not export (a declaration without RECVAL_API).
#   cmake -DLIBRARY=librecval.so -DHEADER=recval.h -DNM=nm -P CheckExports.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
  OUTPUT_VARIABLE nm_out RESULT_VARIABLE nm_rc)
if(NOT nm_rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed (${nm_rc})")
endif()

# "0000000000001234 T recval_check_file" -> recval_check_file
string(REGEX MATCHALL "[0-9a-fA-F]+ [A-Za-z] [^\n]+" lines "${nm_out}")
set(exported "")
set(foreign "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]+ [A-Za-z] " "" name "${line}")
  list(APPEND exported ${name})
  if(NOT name MATCHES "^recval_")
    list(APPEND foreign "${line}")
  endif()
endforeach()

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

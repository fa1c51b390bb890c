# CheckManPage.cmake - the recval_manpage test: docs/recval.1 and the bash
# completion know every subcommand, option and --format value that
# `recval --help` and docs/cli.md name; the page names the version
# `recval --version` prints; and it renders without a groff warning (when
# groff is installed).
#   cmake -DRECVAL=path/to/recval -DSOURCE_DIR=<repo> -P CheckManPage.cmake
cmake_minimum_required(VERSION 3.25)

set(man_file ${SOURCE_DIR}/docs/recval.1)
set(completion_file ${SOURCE_DIR}/scripts/completion/recval.bash)

execute_process(COMMAND ${RECVAL} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${RECVAL} --help exited with ${rc}")
endif()
file(READ ${SOURCE_DIR}/docs/cli.md cli_md)
file(READ ${man_file} man)
file(READ ${completion_file} completion)
# The page as a reader sees its words: roff's \- is a hyphen.
string(REPLACE "\\-" "-" man "${man}")
string(REPLACE "\\c" "" man "${man}")

# Subcommands: "  validate [..." lines of --help, "## recval validate" of cli.md.
string(REGEX MATCHALL "\n  [a-z]+ " help_cmds "${help}")
string(REGEX MATCHALL "\n## recval [a-z]+" doc_cmds "${cli_md}")
set(commands "")
foreach(c IN LISTS help_cmds doc_cmds)
  string(REGEX REPLACE ".* ([a-z]+) ?$" "\\1" c "${c}")
  list(APPEND commands ${c})
endforeach()
list(REMOVE_DUPLICATES commands)

# Options and --format values named anywhere in either.
string(REGEX MATCHALL "--[a-z][a-z-]*[a-z]" options "${help};${cli_md}")
list(REMOVE_DUPLICATES options)
# Other programs' options that docs/cli.md quotes (pytest --collect-only,
# ruff --check).
list(REMOVE_ITEM options --collect-only --check)
string(REGEX MATCHALL "--format=[a-z|]+" format_lists "${help};${cli_md}")
set(formats "")
foreach(f IN LISTS format_lists)
  string(REPLACE "--format=" "" f "${f}")
  string(REPLACE "|" ";" f "${f}")
  list(APPEND formats ${f})
endforeach()
list(REMOVE_DUPLICATES formats)

set(problems "")
execute_process(COMMAND ${RECVAL} --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT man MATCHES "\n\\.TH RECVAL 1 \"[0-9-]+\" \"${version}\"")
  list(APPEND problems "the .TH line of recval.1 does not name '${version}'")
endif()
foreach(c IN LISTS commands)
  if(NOT man MATCHES "\n\\.SS recval ${c}\n")
    list(APPEND problems "recval.1 has no section for the command '${c}'")
  endif()
  if(NOT completion MATCHES "[ \"]${c}[ \"]")
    list(APPEND problems "the completion does not offer the command '${c}'")
  endif()
endforeach()
foreach(o IN LISTS options)
  string(FIND "${man}" "${o}" at)
  if(at EQUAL -1)
    list(APPEND problems "recval.1 does not document ${o}")
  endif()
  string(FIND "${completion}" "${o}" at)
  if(at EQUAL -1)
    list(APPEND problems "the completion does not offer ${o}")
  endif()
endforeach()
foreach(f IN LISTS formats)
  if(NOT man MATCHES "format=[a-z |]*${f}")
    list(APPEND problems "recval.1 does not document --format=${f}")
  endif()
  if(NOT completion MATCHES "[ \"]${f}[ \"]")
    list(APPEND problems "the completion does not offer --format=${f}")
  endif()
endforeach()

find_program(GROFF groff)
if(GROFF)
  execute_process(COMMAND ${GROFF} -man -ww -z -Tutf8 ${man_file}
    ERROR_VARIABLE warnings RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT warnings STREQUAL "")
    list(APPEND problems "groff -man -ww: ${warnings}")
  endif()
endif()

list(LENGTH commands ncommands)
list(LENGTH options noptions)
list(LENGTH formats nformats)
message(STATUS "${ncommands} commands, ${noptions} options, ${nformats} formats checked")
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "the man page or completion is out of date:\n  ${text}")
endif()

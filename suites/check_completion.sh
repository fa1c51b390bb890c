#!/usr/bin/env bash
# check_completion.sh - the recval_completion test: what the bash completion
# (scripts/completion/recval.bash) offers for a few command lines, compared
# exactly. Usage: check_completion.sh COMPLETION_SCRIPT [RECVAL_BINARY]
# (with the binary, --ignore completes rule names read from it). "=" breaks
# words, as in readline's default COMP_WORDBREAKS, so a completion replaces
# what follows the "=".
set -u
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
# shellcheck source=scripts/completion/recval.bash
source "$1"
recval_bin=${2:-}
failures=0

# expect "LINE" "EXPECTED REPLIES": completes LINE with the cursor at its end.
expect()
{
    COMP_LINE=$1
    COMP_POINT=${#1}
    COMPREPLY=()
    _recval
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    got=${got% }
    if [[ $got != "$2" ]]; then
        echo "FAIL: '$1' completes to '$got', expected '$2'"
        failures=$((failures + 1))
    else
        echo "ok: '$1' -> '$got'"
    fi
}

cd "$(dirname "$0")/.." || exit 1
expect "recval " "--help --version fix hash replay rules schema validate"
expect "recval va" "validate"
expect "recval validate --for" "--format="
expect "recval validate --format=" "github json junit markdown sarif text"
expect "recval validate --format j" "json junit"
expect "recval schema --format=" "github json junit markdown sarif text"
expect "recval fix --format=" "json text"
expect "recval rules --format=" "json text"
expect "recval replay --r" "--recording-dir= --request= --root="
expect "recval fix --" "-- --dry-run --format= --help --unsafe"
expect "recval validate suites/check_comp" "suites/check_completion.sh"
expect "recval replay --root=suites/sup" "suites/support"
expect "recval rules " ""
if [[ -n $recval_bin ]]; then
    expect "$recval_bin validate --ignore=usage/total" "usage/total-mismatch"
    expect "$recval_bin validate --ignore=schema,usage/total" "schema,usage/total-mismatch"
    expect "$recval_bin validate --ignore=finish-reason/m" "finish-reason/missing"
    expect "$recval_bin validate --ignore=parse/inv" "parse/invalid-json parse/invalid-utf8"
fi

if ((failures > 0)); then
    echo "$failures completion(s) wrong"
    exit 1
fi

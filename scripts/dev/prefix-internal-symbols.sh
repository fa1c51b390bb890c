#!/usr/bin/env bash
# prefix-internal-symbols.sh - gives the library's internal functions the
# rv_ prefix (recval.h: only recval_* is public, internals are rv_*).
#
#   scripts/dev/prefix-internal-symbols.sh [--check] [BUILD_DIR]
#
# Reads the global functions and data the build's librecval*.a define
# (nm), keeps those that are neither public (recval_*) nor prefixed (rv_*,
# js_* for the schema engine, RV_*), and, unless --check, renames each, as
# a whole word, to rv_<name> in every .c/.h under validator/, suites/ and
# fuzz/ (sed -i), then clang-format -i. Idempotent: a renamed symbol no longer matches, and
# rv_sb_put contains no word "sb_put". Rebuild, then run it again with
# --check: it lists what is still unprefixed and exits 1 if anything is.
# Run it from the repository root on a fresh build of the tree to rename.
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
build=${1:-build}
libs=$(find "$build" -maxdepth 1 -name 'librecval*.a' | sort)
[ -n "$libs" ] || { echo "prefix-internal-symbols: no librecval*.a in $build; build first" >&2; exit 2; }

# Defined globals (T text, D/B/R data; weak W/V too), unprefixed.
mapfile -t syms < <(nm -g --defined-only $libs 2>/dev/null |
    awk 'NF==3 && $2 ~ /^[TDBRWV]$/ {print $3}' |
    grep -Ev '^(recval_|rv_|js_|RV_|_)' | sort -u)

if [ $check = 1 ]; then
    if [ ${#syms[@]} -gt 0 ]; then
        echo "unprefixed exported symbols (${#syms[@]}):"
        printf '  %s\n' "${syms[@]}"
        exit 1
    fi
    echo "every exported symbol is recval_*, rv_* or js_*"
    exit 0
fi

[ ${#syms[@]} -gt 0 ] || { echo "nothing to rename"; exit 0; }
mapfile -t files < <(find validator suites fuzz -name '*.[ch]' 2>/dev/null | sort)
script=$(mktemp)
trap 'rm -f "$script"' EXIT
for s in "${syms[@]}"; do
    printf 's/\\<%s\\>/rv_%s/g\n' "$s" "$s" >>"$script"
done
sed -i -f "$script" "${files[@]}"
# Longer names can push lines over the limit: reformat (formatted files
# other than the renamed ones do not change).
if command -v clang-format >/dev/null; then clang-format -i "${files[@]}"; fi
echo "renamed ${#syms[@]} symbols to rv_* in ${#files[@]} files:"
printf '  %s\n' "${syms[@]}"
echo "now rebuild, and run again with --check"

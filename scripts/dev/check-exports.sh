#!/usr/bin/env bash
# check-exports.sh - lists the global symbols the library defines that are
# neither public (recval_*) nor internal-prefixed (rv_*, js_*): the names a
# program linking recval could collide with. Exit 1 when there is any.
#   scripts/dev/check-exports.sh [LIBRARY]   (default: every lib*.a/.so under build/)
# With a shared library built with -fvisibility=hidden, pass --public to list
# every dynamic symbol that is not recval_* instead.
set -euo pipefail
public=0
if [ "${1:-}" = --public ]; then public=1; shift; fi
libs=("$@")
[ ${#libs[@]} -gt 0 ] || mapfile -t libs < <(find build -maxdepth 2 \( -name 'lib*.a' -o -name 'lib*.so' \) | sort)
[ ${#libs[@]} -gt 0 ] || { echo "check-exports: no library found; build first" >&2; exit 2; }
bad=0
for lib in "${libs[@]}"; do
    if [ $public = 1 ]; then
        syms=$(nm -D --defined-only "$lib" | awk 'NF==3 {print $3}' | grep -v '^recval_' || true)
    else
        syms=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF==3 {print $3}' |
               grep -Ev '^(recval_|rv_|js_|RV_)' | sort -u || true)
    fi
    if [ -n "$syms" ]; then
        echo "$lib:"; printf '  %s\n' $syms; bad=1
    fi
done
exit $bad

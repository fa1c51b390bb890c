#!/usr/bin/env bash
# check-install.sh - checks recval as a user of the installed package would
# (called from .ci/run after the Release build):
#   1. `cmake --install` into a staging prefix; every promised file is there;
#   2. the installed `recval --version` runs;
#   3. suites/consumer/ is built against the prefix four ways: find_package
#      (shared recval::recval, and COMPONENTS static) and pkg-config (shared,
#      and --static against librecval.a, which proves Requires.private and
#      Libs.private); each consumer runs, and its error counts must equal the
#      installed `recval validate` ones for the same files;
#   4. `cpack -G DEB` makes the .deb; it is unpacked with dpkg-deb -x and its
#      recval runs;
#   5. a packager's configure (-DRECVAL_BUILD_TESTS=OFF -DRECVAL_WERROR=OFF)
#      does not look for cmocka and defines no test.
# Usage: scripts/check-install.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/recval-check-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

step() { printf '\n== check-install: %s\n' "$*"; }
fail() {
    echo "check-install: FAIL: $*" >&2
    exit 1
}

step "cmake --install into a staging prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/recval include/recval.h lib/librecval.a lib/librecval.so \
    lib/pkgconfig/recval.pc lib/cmake/recval/recvalConfig.cmake \
    lib/cmake/recval/recvalConfigVersion.cmake share/bash-completion/completions/recval; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
man_page=$(find "$prefix/share/man/man1" -name 'recval.1*')
[ -n "$man_page" ] || fail "not installed: share/man/man1/recval.1"
soname=$(objdump -p "$prefix/lib/librecval.so" | awk '$1 == "SONAME" {print $2}')
[ -e "$prefix/lib/$soname" ] || fail "no $soname in lib/"
echo "installed $(find "$prefix" -type f -o -type l | wc -l) files; SONAME $soname"

step "the installed recval --version"
version=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --modversion recval)
installed_version=$("$prefix/bin/recval" --version)
echo "$installed_version"
[ "$installed_version" = "recval $version" ] || fail "expected 'recval $version'"

# The files the consumers check, and what the installed CLI says of them.
inputs=(
    "$(find recordings/valid -name '*.json' | sort | head -n 1)"
    "$(find recordings/invalid/usage -name '*.json' | sort | head -n 1)"
    recordings/invalid/parse/invalid-utf8/latin1.json
)
expected=$work/expected.txt
echo "recval $version" >"$expected"
for f in "${inputs[@]}"; do
    errors=$("$prefix/bin/recval" validate --format=json "$f" |
        grep -o '"errors":[0-9]*' | tail -n 1 | cut -d: -f2) || true
    echo "$f: $errors errors" >>"$expected"
done
echo "expected of every consumer (counts from the installed recval validate):"
sed 's/^/  /' "$expected"

# run_consumer NAME BINARY LINKAGE: runs it, compares its output, and checks
# that it loads librecval.so from the prefix (shared) or not at all (static).
run_consumer() {
    local name=$1 bin=$2 linkage=$3 libs
    "$bin" "${inputs[@]}" >"$work/$name.out" || fail "$name exited with $?"
    diff -u "$expected" "$work/$name.out" || fail "$name: output differs from recval validate"
    libs=$(ldd "$bin")
    if [ "$linkage" = shared ]; then
        grep -q "$soname => $prefix/lib/" <<<"$libs" || fail "$name does not load $prefix/lib/$soname"
    elif grep -q librecval <<<"$libs"; then
        fail "$name is linked statically but loads librecval"
    fi
    echo "$name ($linkage): ran, output matches recval validate ($(wc -l <"$work/$name.out") lines)"
}

step "consumer with find_package"
for linkage in shared static; do
    static=OFF
    [ "$linkage" = static ] && static=ON
    cmake -S suites/consumer -B "$work/cmake-$linkage" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCONSUMER_STATIC=$static >"$work/cmake-$linkage.log" ||
        { cat "$work/cmake-$linkage.log"; fail "find_package($linkage) configure"; }
    cmake --build "$work/cmake-$linkage" >>"$work/cmake-$linkage.log" 2>&1 ||
        { cat "$work/cmake-$linkage.log"; fail "find_package($linkage) build"; }
    run_consumer "find_package-$linkage" "$work/cmake-$linkage/consumer" $linkage
done

step "consumer with pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc=${CC:-cc}
cflags="-std=c11 -Wall -Wextra -Wpedantic -Werror"
libdir=$(pkg-config --variable=libdir recval)
# shellcheck disable=SC2046,SC2086
$cc $cflags $(pkg-config --cflags recval) -o "$work/pc-shared" suites/consumer/consumer.c \
    $(pkg-config --libs recval) -Wl,-rpath,"$libdir"
echo "$cc ... \$(pkg-config --libs recval): $(pkg-config --libs recval)"
run_consumer pkg-config-shared "$work/pc-shared" shared
# --static: librecval.a and everything Requires.private / Libs.private add.
static_libs=$(pkg-config --static --libs recval | sed 's/-lrecval\b/-l:librecval.a/')
# shellcheck disable=SC2046,SC2086
$cc $cflags $(pkg-config --cflags recval) -o "$work/pc-static" suites/consumer/consumer.c \
    $static_libs
echo "$cc ... \$(pkg-config --static --libs recval): $static_libs"
run_consumer pkg-config-static "$work/pc-static" static

step "cpack -G DEB, unpacked with dpkg-deb -x"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log") ||
    { cat "$work/cpack.log"; fail "cpack"; }
deb=$(find "$work/deb" -maxdepth 1 -name '*.deb' | head -n 1)
[ -n "$deb" ] || fail "cpack made no .deb"
echo "$(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" | awk '{printf "  %s %7s %s %s %s\n", $1, $3, $6, $7, $8}'
dpkg-deb -x "$deb" "$work/root"
deb_version=$("$work/root/usr/bin/recval" --version)
[ "$deb_version" = "recval $version" ] || fail "the .deb's recval says '$deb_version'"
"$work/root/usr/bin/recval" validate recordings/valid >/dev/null ||
    fail "the .deb's recval does not pass recordings/valid"
echo "the .deb's /usr/bin/recval: $deb_version; validate recordings/valid: exit 0"
for dep in libjson-c libpcre2-8 libssl; do
    dpkg-deb -f "$deb" Depends | grep -q "$dep" || fail "the .deb does not depend on $dep"
done
[ -e "$work/root/usr/lib/$soname" ] || fail "the .deb has no /usr/lib/$soname"

step "a packager's configure: RECVAL_BUILD_TESTS=OFF, RECVAL_WERROR=OFF"
cmake -S . -B "$work/packager" -DCMAKE_BUILD_TYPE=Release -DRECVAL_BUILD_TESTS=OFF \
    -DRECVAL_WERROR=OFF >"$work/packager.log" || { cat "$work/packager.log"; fail "configure"; }
if grep -q CMOCKA "$work/packager/CMakeCache.txt"; then
    fail "RECVAL_BUILD_TESTS=OFF still looks for cmocka"
fi
if grep -q -- '-Werror' "$work/packager/CMakeFiles/recval.dir/flags.make"; then
    fail "RECVAL_WERROR=OFF still compiles with -Werror"
fi
ntests=$(ctest --test-dir "$work/packager" -N | awk '/Total Tests:/ {print $3}')
[ "$ntests" = 0 ] || fail "RECVAL_BUILD_TESTS=OFF defines $ntests tests"
echo "configured without cmocka, without -Werror, 0 tests"

step "ok: $src installs, links four ways, and packages"

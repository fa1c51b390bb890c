#!/usr/bin/env bash
# install-sarif-tools.sh - installs Microsoft's SARIF validator
# (`sarif-multitool validate`, npm package @microsoft/sarif-multitool) for
# suites/test_sarif_multitool.c, outside the repository: into
# $RECVAL_TOOLS_DIR/sarif-tools (default ~/.cache/recval/sarif-tools).
# Idempotent: a working install is left as it is. Prints the tool's path.
# Needs npm and the network the first time; fails (exit 1) without them,
# and the suite then skips.
set -euo pipefail

VERSION=5.7.0
TOOLS_DIR=${RECVAL_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/recval}
PREFIX=$TOOLS_DIR/sarif-tools
BIN=$PREFIX/node_modules/.bin/sarif-multitool
NATIVE=$PREFIX/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

works() { [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; }

if ! works; then
    if ! command -v npm >/dev/null; then
        echo "install-sarif-tools: npm is not installed" >&2
        exit 1
    fi
    mkdir -p "$PREFIX"
    npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$VERSION" >&2
    # npm may not run the package's postinstall (chmod u+x): do it here.
    [ -f "$NATIVE" ] && chmod u+x "$NATIVE"
    works || { echo "install-sarif-tools: $BIN does not run" >&2; exit 1; }
fi
echo "$BIN"

#!/usr/bin/env bash
# quickstart.sh - the README's first command: installs what is missing,
# builds recval, and validates the bundled recordings (or the PATHs given),
# writing reports/recordings.junit.xml. Exit status is recval's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p reports
[ $# -gt 0 ] || set -- recordings/valid
exec build/recval validate --junit=reports/recordings.junit.xml "$@"

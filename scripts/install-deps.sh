#!/usr/bin/env bash
# install-deps.sh - installs the Debian packages recval needs to build and
# test, with apt-get, and only those that are missing (idempotent: a second
# run installs nothing). Needs root or sudo when something is missing.
set -euo pipefail

packages=(
    gcc make cmake pkg-config          # toolchain
    libjson-c-dev libpcre2-dev         # parsing, patterns
    libcmocka-dev libssl-dev           # test suites, SHA-256
    libxml2-utils                      # xmllint: JUnit reports against the XSD
    python3 python3-junitparser        # JUnit reader used by the CLI suite
    python3-jsonschema                 # schema cross-checks (scripts/)
    clang libclang-rt-14-dev           # libFuzzer harnesses (fuzz/, RECVAL_FUZZ=ON)
    valgrind                           # the memcheck step of .ci/run
    binutils groff-base                # nm: export check; groff: man page check
    dpkg-dev file                      # dpkg-shlibdeps, file: cpack -G DEB
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs Debian's faketime (libfaketime) for the revisit schedule's tests
# (tests/test_revisit_faketime.py), which run crawls on a simulated clock, unless it is
# already there. Without root, sudo or apt-get it says so and those tests skip themselves.
set -euo pipefail

if [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || command -v faketime >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install-faketime: no apt-get here; install libfaketime yourself or the clock tests are skipped" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo)
else
    echo "install-faketime: not root and no sudo; run 'apt-get install faketime' as root" \
         "or the clock tests are skipped" >&2
    exit 0
fi

echo "install-faketime: installing faketime from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends faketime >/dev/null

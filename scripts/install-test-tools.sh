#!/usr/bin/env bash
# Installs from Debian what the tests use beyond Python, unless it is already there:
# headless Chromium and its WebDriver (with fonts covering Cyrillic and Kazakh letters,
# for readable screenshots) for the browser tests, and libfaketime for the tests that run
# crawls on a simulated clock. Needs root or sudo and the Debian package mirror; without
# them it says so, and the tests that need a missing tool skip themselves.
set -euo pipefail

wanted=()
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    wanted+=(chromium chromium-driver fonts-dejavu-core fonts-liberation)
fi
if ! [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] && ! command -v faketime >/dev/null; then
    wanted+=(faketime)
fi
[ ${#wanted[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "install-test-tools: no apt-get here; install ${wanted[*]} yourself" \
         "or the tests that need them are skipped" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo)
else
    echo "install-test-tools: not root and no sudo; run 'apt-get install ${wanted[*]}'" \
         "as root or the tests that need them are skipped" >&2
    exit 0
fi

echo "install-test-tools: installing ${wanted[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null

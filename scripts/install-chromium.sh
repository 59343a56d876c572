#!/usr/bin/env bash
# Installs Debian's Chromium and its WebDriver for the browser test
# (tests/test_browse_browser.py), unless both are already there.
# Needs root or sudo and the Debian package mirror; without them it says so and leaves
# the browser test to skip itself.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install-chromium: no apt-get here; install chromium and chromedriver yourself" \
         "or the browser test is skipped" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo)
else
    echo "install-chromium: not root and no sudo; run 'apt-get install chromium" \
         "chromium-driver' as root or the browser test is skipped" >&2
    exit 0
fi

echo "install-chromium: installing chromium and chromium-driver from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# The fonts cover Cyrillic, Kazakh letters included, for readable screenshots.
"${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core fonts-liberation >/dev/null

#!/usr/bin/env bash
# Makes sure Debian's chromium is there for the browser tests (tests/web/test_browser.py):
# installs it from Debian's packages when missing and we are root (CI). Playwright drives
# this browser; it cannot download one of its own here.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing chromium from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "chromium is not installed (apt-get install chromium): the browser tests will skip" >&2
fi

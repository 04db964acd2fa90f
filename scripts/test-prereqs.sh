#!/usr/bin/env bash
# What the tests need beyond npm packages: Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# The lock file must install as it is (`npm ci`, as CI installs): one out of step with
# package.json (a dependency added by hand, an optional one dropped) fails the tests here.
if ! npm ci --dry-run --no-audit --no-fund >/dev/null 2>&1; then
  echo "package-lock.json is out of step with package.json: run 'npm install --package-lock-only' and commit the lock" >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "the browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

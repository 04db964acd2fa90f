#!/usr/bin/env bash
# What the tests need beyond npm packages: Debian's Chromium for the browser tests, and
# PostgreSQL's client programs (pg_dump, pg_restore) for the backup round trip.
set -euo pipefail
cd "$(dirname "$0")/.."
# The lock file must install as it is (`npm ci`, as CI installs): one out of step with
# package.json (a dependency added by hand, an optional one dropped) fails the tests here.
if ! npm ci --dry-run --no-audit --no-fund >/dev/null 2>&1; then
  echo "package-lock.json is out of step with package.json: run 'npm install --package-lock-only' and commit the lock" >&2
  exit 1
fi
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/pg_dump ] || command -v pg_dump >/dev/null || need+=(postgresql-client-15)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's ${need[*]} for the tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "the tests need Debian's ${need[*]}: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, PostgreSQL for the store tests,
# a C++ toolchain for the native addons (better-sqlite3, the batched HMAC of keyed pseudonyms).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
for tool in g++ make python3; do command -v $tool >/dev/null || need+=($tool); done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), postgresql $(ls /usr/lib/postgresql | tail -1)"

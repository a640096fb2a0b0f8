#!/usr/bin/env bash
# Usage: no-skips.sh LOG. Fails unless the vitest summary in LOG ran every test: nothing skipped
# or todo (a test that cannot run must fail, never pass silently).
set -euo pipefail
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^ *(Test Files|Tests) ' || true)
[ -n "$summary" ] || { echo "no-skips: no vitest summary in $1" >&2; exit 1; }
echo "$summary"
if grep -qiE 'skipped|todo' <<<"$summary"; then
  echo "no-skips: some tests did not run (see above)" >&2
  exit 1
fi

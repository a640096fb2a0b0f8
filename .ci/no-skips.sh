#!/usr/bin/env bash
# Usage: no-skips.sh LOG. Fails unless the vitest summary in LOG ran every test and every test
# passed: nothing failed, skipped or todo (a test that cannot run must fail, never pass silently).
# The exit code of the run is checked too; this is the second guard, on what the summary says.
set -euo pipefail
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^ *(Test Files|Tests) ' || true)
[ -n "$summary" ] || { echo "no-skips: no vitest summary in $1" >&2; exit 1; }
echo "$summary"
if grep -qiE 'failed' <<<"$summary"; then
  echo "no-skips: some tests failed (see above)" >&2
  exit 1
fi
if grep -qiE 'skipped|todo' <<<"$summary"; then
  echo "no-skips: some tests did not run (see above)" >&2
  exit 1
fi

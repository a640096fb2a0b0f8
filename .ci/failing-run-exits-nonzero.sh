#!/usr/bin/env bash
# Checks that `npm test` exits non-zero when a test fails, with the project's vitest config (its
# global setup included). Run with the same PostgreSQL environment as the real run.
set -uo pipefail
if SAMENZICHT_CI_FAILING_TEST=1 npm test -- test/ci/exit-code.test.ts >/dev/null 2>&1; then
  echo "ci: a run with a failing test exited 0: failures would pass CI unseen" >&2
  exit 1
fi
echo "ci: a run with a failing test exits non-zero"

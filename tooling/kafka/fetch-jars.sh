#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars (KRaft) and their runtime dependencies from Maven Central into
# the @infra fixtures cache, for @infra/kafka-fixture. Needs Java 17+ and Maven (apt-get install
# openjdk-17-jre-headless maven).
#
#   bash tooling/kafka/fetch-jars.sh [version]      # in the monorepo (tooling/bootstrap.sh runs it)
#   npx infra-kafka-fetch [version]                 # from the installed @infra/kafka-fixture package
#
# Version: first argument, else $KAFKA_VERSION, else the pom's default. Destination:
#   ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/kafka/<version>/libs
# Idempotent: when the jars are there it only prints their directory. Prints the libs directory on
# stdout (last line); Maven's output goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
DEFAULT_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
VERSION="${1:-${KAFKA_VERSION:-$DEFAULT_VERSION}}"
if [[ ! "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "fetch-jars: '$VERSION' is not a Kafka version like 4.3.1" >&2
  exit 2
fi
CACHE="${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-fixtures}"
DEST="$CACHE/kafka/$VERSION"
LIBS="$DEST/libs"

if [[ -f "$LIBS/.complete" ]]; then
  echo "$LIBS"
  exit 0
fi

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fetch-jars: '$tool' not found. Install Java 17 and Maven: apt-get install openjdk-17-jre-headless maven" >&2
    exit 1
  fi
done

mkdir -p "$DEST"
# one fetcher at a time per version (parallel bootstraps, CI jobs sharing a cache)
exec 9>"$DEST/.fetch.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -f "$LIBS/.complete" ]]; then
  echo "$LIBS"
  exit 0
fi

TMP="$DEST/libs.tmp-$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT
echo "fetch-jars: resolving org.apache.kafka:kafka_2.13:$VERSION and its runtime dependencies from Maven Central" >&2
# Maven's own default follows the passwd home, not $HOME: name it so an overridden HOME works too
mvn -q -B -Dstyle.color=never -f "$POM" -Dmaven.repo.local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -Dkafka.version="$VERSION" -DincludeScope=runtime -DoutputDirectory="$TMP" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' >&2 # Debian's Maven prints colour resets even in batch mode
if [[ ! -f "$TMP/kafka_2.13-$VERSION.jar" ]]; then
  echo "fetch-jars: Maven finished but kafka_2.13-$VERSION.jar is missing in $TMP" >&2
  exit 1
fi
echo "$VERSION" >"$TMP/.complete"
rm -rf "$LIBS"
mv "$TMP" "$LIBS"
trap - EXIT
echo "fetch-jars: $(ls "$LIBS" | wc -l) jars in $LIBS" >&2
echo "$LIBS"

#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars (KRaft) and their runtime dependencies from Maven Central into
# the @infra fixtures cache, for @infra/kafka-fixture. Needs Java 17+ and Maven (apt-get install
# openjdk-17-jre-headless maven).
#
#   bash tooling/kafka/fetch-jars.sh [--version] [version]  # in the monorepo (bootstrap.sh: the default only)
#   npx infra-kafka-fetch [--version] [version]             # from the installed @infra/kafka-fixture package
#
# Any Kafka release on Maven Central (org.apache.kafka:kafka_2.13), e.g. 3.9.2 or 4.1.2; each version
# has its own cache directory, so several can sit side by side.
# Version: `--version <v>`, `--version=<v>` or the first argument, else $KAFKA_VERSION, else the pom's
# default. Destination:
#   ${INFRA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/infra-fixtures}/kafka/<version>/libs
# Idempotent: when the jars are there it only prints their directory. Prints the libs directory on
# stdout (last line); Maven's output goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
DEFAULT_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
ARG_VERSION=""
while [[ $# -gt 0 ]]; do
  case "$1" in
  --version)
    [[ $# -ge 2 ]] || { echo "fetch-jars: --version needs a value, e.g. --version $DEFAULT_VERSION" >&2; exit 2; }
    ARG_VERSION="$2"
    shift 2
    ;;
  --version=*) ARG_VERSION="${1#--version=}"; shift ;;
  -h | --help)
    echo "usage: fetch-jars.sh [--version] <kafka version>   (default $DEFAULT_VERSION; prints the libs directory)"
    exit 0
    ;;
  -*) echo "fetch-jars: unknown option '$1' (usage: [--version] <kafka version>)" >&2; exit 2 ;;
  *)
    [[ -z "$ARG_VERSION" ]] || { echo "fetch-jars: one version at a time (got '$ARG_VERSION' and '$1')" >&2; exit 2; }
    ARG_VERSION="$1"
    shift
    ;;
  esac
done
VERSION="${ARG_VERSION:-${KAFKA_VERSION:-$DEFAULT_VERSION}}"
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
MVN_LOG="$DEST/mvn-$$.log"
rm -rf "$TMP"
trap 'rm -rf "$TMP" "$MVN_LOG"' EXIT
echo "fetch-jars: resolving org.apache.kafka:kafka_2.13:$VERSION and its runtime dependencies from Maven Central" >&2
STARTED=$SECONDS
# Maven's own default follows the passwd home, not $HOME: name it so an overridden HOME works too
if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dmaven.repo.local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -Dkafka.version="$VERSION" -DincludeScope=runtime -DoutputDirectory="$TMP" >"$MVN_LOG" 2>&1; then
  sed 's/\x1b\[[0-9;]*m//g' "$MVN_LOG" >&2 # Debian's Maven prints colour resets even in batch mode
  if grep -q "kafka_2.13:jar:$VERSION" "$MVN_LOG"; then
    echo "fetch-jars: Kafka $VERSION is not on Maven Central (no org.apache.kafka:kafka_2.13:$VERSION); pick a released version, e.g. $DEFAULT_VERSION" >&2
  else
    echo "fetch-jars: Maven could not resolve Kafka $VERSION (output above); Maven Central must be reachable" >&2
  fi
  # nothing fetched: leave no directory behind for this version
  rm -rf "$TMP" "$MVN_LOG"
  if [[ ! -d "$LIBS" ]]; then rm -f "$DEST/.fetch.lock" && rmdir "$DEST" 2>/dev/null || true; fi
  exit 1
fi
sed 's/\x1b\[[0-9;]*m//g' "$MVN_LOG" >&2
if [[ ! -f "$TMP/kafka_2.13-$VERSION.jar" ]]; then
  echo "fetch-jars: Maven finished but kafka_2.13-$VERSION.jar is missing in $TMP" >&2
  exit 1
fi
echo "$VERSION" >"$TMP/.complete"
rm -rf "$LIBS"
mv "$TMP" "$LIBS"
trap - EXIT
echo "fetch-jars: $(ls "$LIBS" | wc -l) jars in $LIBS ($((SECONDS - STARTED)) s)" >&2
echo "$LIBS"

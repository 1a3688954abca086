import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { BinaryNotFoundError, cacheRoot, resolveBinary } from '@infra/fixture-core'

/** The Toxiproxy release the fixture builds and is tested with. */
export const TOXIPROXY_VERSION = '2.5.0'
export const TOXIPROXY_BIN_ENV = 'TOXIPROXY_SERVER_BIN'

/** Where `tooling/toxiproxy/build-server.sh` (and `npx infra-toxiproxy-fetch`) put the server binary. */
export function cachedServerDir(version = TOXIPROXY_VERSION): string {
  return path.join(cacheRoot(), 'toxiproxy', version, 'bin')
}

function hasGo(): boolean {
  // the official Go tarball installs to /usr/local/go without touching PATH (the build script looks there too)
  for (const go of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(go, ['version'], { stdio: 'ignore', timeout: 10_000 }).status === 0) return true
  }
  return false
}

/** How to get the binary: both ways, worded for whether Go is on this machine. */
export function installHint(goAvailable = hasGo()): string {
  const build =
    `build it once with Go: npx infra-toxiproxy-fetch (from @infra/toxiproxy-fixture) or bash tooling/bootstrap.sh ` +
    `(in the infra monorepo), which run go install github.com/Shopify/toxiproxy/v2/cmd/server@v${TOXIPROXY_VERSION} ` +
    `into ${cachedServerDir()}`
  return goAvailable
    ? build
    : `install Go (apt-get install golang-go, or https://go.dev/dl) and ${build}; or put a toxiproxy-server ` +
        `release binary on PATH`
}

/**
 * The Toxiproxy server: `$TOXIPROXY_SERVER_BIN` → `toxiproxy-server` on PATH → the build cache.
 * Throws `BinaryNotFoundError` naming the env override and both ways to get one (build with Go, or a binary).
 */
export function toxiproxyServerBinary(): string {
  const spec = { name: 'toxiproxy-server', envVar: TOXIPROXY_BIN_ENV, knownDirs: [cachedServerDir()] }
  try {
    return resolveBinary({ ...spec, installHint: '' })
  } catch (err) {
    if (!(err instanceof BinaryNotFoundError)) throw err
    // only now ask whether Go is there (a process spawn): the hint depends on it
    return resolveBinary({ ...spec, installHint: installHint() })
  }
}

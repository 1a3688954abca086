import { execFileSync } from 'node:child_process'
import { resolveBinary } from '@infra/fixture-core'

export const ETCD_BIN_ENV = 'ETCD_BIN'
const INSTALL_HINT = 'apt-get install etcd-server (or bash tooling/bootstrap.sh)'
const KNOWN_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/usr/sbin']

/** `etcd`: the `etcdBinary` option → `$ETCD_BIN` → PATH → well-known dirs. Needs etcd 3.4 or later. */
export function etcdBinary(explicit?: string): string {
  return resolveBinary({
    name: 'etcd',
    envVar: ETCD_BIN_ENV,
    explicit,
    explicitName: "the 'etcdBinary' option",
    installHint: INSTALL_HINT,
    knownDirs: KNOWN_DIRS,
    accept: (path) => {
      const version = etcdVersion(path)
      if (!version) return 'not an etcd binary (no version from --version)'
      const [major, minor] = version.split('.').map(Number)
      return major! > 3 || (major === 3 && minor! >= 4) ? undefined : `etcd ${version}, need 3.4 or later`
    },
  })
}

const versions = new Map<string, string | undefined>()

/** `3.4.23` from `etcd --version` (cached per path), undefined when it does not answer like etcd. */
export function etcdVersion(path: string): string | undefined {
  if (!versions.has(path)) {
    let version: string | undefined
    try {
      const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 5_000 })
      version = /etcd Version:\s*(\d+\.\d+\.\d+)/.exec(out)?.[1]
    } catch {
      version = undefined
    }
    versions.set(path, version)
  }
  return versions.get(path)
}

import { resolveBinary } from '@infra/fixture-core'

/** `$INFLUXD_BIN` → `influxd` on PATH → /usr/bin, /usr/local/bin. Throws `BinaryNotFoundError`. */
export function influxdBinary(): string {
  return resolveBinary({
    name: 'influxd',
    envVar: 'INFLUXD_BIN',
    installHint: 'apt-get install influxdb (or bash tooling/bootstrap.sh)',
    knownDirs: ['/usr/bin', '/usr/local/bin', '/usr/sbin'],
  })
}

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { EnvironmentError, resolveBinary } from '@infra/fixture-core'

const execFileAsync = promisify(execFile)

const INSTALL_HINT =
  'install the Debian package mariadb-server (apt-get install mariadb-server, or bash tooling/bootstrap.sh)'

export interface MariadbBinaries {
  /** The server, `mariadbd`. */
  server: string
  /** `mariadb-install-db`, which makes a fresh data directory. */
  installDb: string
  /** `10.11.19-MariaDB-0+deb12u1`. */
  version: string
}

/**
 * Finds `mariadbd` and `mariadb-install-db` (env `MARIADBD_BIN` / `MARIADB_INSTALL_DB_BIN`, then PATH and
 * /usr/sbin, /usr/bin); throws `BinaryNotFoundError` naming the Debian package. Found once per process.
 */
export function resolveMariadb(): Promise<MariadbBinaries> {
  const key = `${process.env.MARIADBD_BIN ?? ''}|${process.env.MARIADB_INSTALL_DB_BIN ?? ''}|${process.env.PATH ?? ''}`
  if (memo?.key !== key) {
    const found = find()
    memo = { key, found }
    found.catch(() => {
      if (memo?.found === found) memo = undefined
    })
  }
  return memo.found
}

let memo: { key: string; found: Promise<MariadbBinaries> } | undefined

async function find(): Promise<MariadbBinaries> {
  const server = resolveBinary({
    name: 'mariadbd',
    envVar: 'MARIADBD_BIN',
    installHint: INSTALL_HINT,
    knownDirs: ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'],
  })
  const installDb = resolveBinary({
    name: 'mariadb-install-db',
    envVar: 'MARIADB_INSTALL_DB_BIN',
    installHint: INSTALL_HINT,
    knownDirs: ['/usr/bin', '/usr/local/bin', '/usr/local/mysql/scripts'],
  })
  let version: string
  try {
    const { stdout } = await execFileAsync(server, ['--version'], { timeout: 10_000 })
    version = /Ver\s+(\S+)/.exec(stdout)?.[1] ?? stdout.trim()
  } catch (err) {
    throw new EnvironmentError(`${server} --version failed: ${(err as Error).message}`, { cause: err })
  }
  return { server, installDb, version }
}

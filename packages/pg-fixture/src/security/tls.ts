import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { BinaryNotFoundError, EnvironmentError, type UserIds } from '@infra/fixture-core'
import { buildCached } from '../server/cache-root.js'

const execFileAsync = promisify(execFile)

/** The certificates of `tls: true`: a test CA and a server certificate it signed (127.0.0.1, ::1, localhost). */
export interface TlsFiles {
  /** The CA certificate (PEM) clients verify the server with. */
  caFile: string
  certFile: string
  keyFile: string
}

/** Certificates last this long; a new pair is made every calendar year (part of the cache key). */
const VALID_DAYS = 800

const SERVER_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
].join('\n')

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd, timeout: 60_000 })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') {
      throw new BinaryNotFoundError('openssl', {
        installHint:
          'install OpenSSL (apt-get install openssl): `tls: true` makes its test certificates with it',
        searched: ['PATH'],
      })
    }
    throw new EnvironmentError(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`, { cause: err })
  }
}

/**
 * A self-signed CA and a server certificate for the loopback addresses, made once per user with the
 * `openssl` CLI and kept in the fixture cache (`pg-tls`, verified like the other entries). The CA's
 * key is deleted after signing: nobody can mint another certificate this CA vouches for.
 */
export async function cachedTls(cacheRoot: string | undefined): Promise<TlsFiles> {
  const dir = await buildCached({
    kind: 'pg-tls',
    root: cacheRoot,
    inputs: { year: new Date().getUTCFullYear(), days: VALID_DAYS, ext: SERVER_EXTENSIONS, layout: 1 },
    build: async (out) => {
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      const days = ['-days', String(VALID_DAYS)]
      await openssl(
        ['req', '-x509', ...ec, ...days, '-keyout', 'ca.key', '-out', 'ca.crt']
          .concat(['-subj', '/O=infra-fixtures/CN=pg-fixture test CA'])
          .concat(['-addext', 'basicConstraints=critical,CA:TRUE'])
          .concat(['-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
        out,
      )
      await openssl(
        ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'],
        out,
      )
      fs.writeFileSync(path.join(out, 'server.ext'), SERVER_EXTENSIONS)
      await openssl(
        ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', ...days].concat([
          '-set_serial',
          `0x${Date.now().toString(16)}`,
          '-extfile',
          'server.ext',
          '-out',
          'server.crt',
        ]),
        out,
      )
      for (const f of ['ca.key', 'server.csr', 'server.ext']) fs.rmSync(path.join(out, f))
      fs.chmodSync(path.join(out, 'server.key'), 0o600)
      fs.chmodSync(path.join(out, 'ca.crt'), 0o644)
      fs.chmodSync(path.join(out, 'server.crt'), 0o644)
    },
  })
  return {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  }
}

/**
 * Copies the server certificate and key into the data dir, owned by the server's user with mode 0600
 * (PostgreSQL refuses a key others can read), and returns the settings that turn TLS on.
 */
export function installServerTls(
  tls: TlsFiles,
  dataDir: string,
  ids: UserIds | undefined,
): Record<string, string> {
  const cert = path.join(dataDir, 'server.crt')
  const key = path.join(dataDir, 'server.key')
  fs.copyFileSync(tls.certFile, cert)
  fs.copyFileSync(tls.keyFile, key)
  fs.chmodSync(key, 0o600)
  if (ids) {
    fs.chownSync(cert, ids.uid, ids.gid)
    fs.chownSync(key, ids.uid, ids.gid)
  }
  return { ssl: 'on', ssl_cert_file: cert, ssl_key_file: key }
}

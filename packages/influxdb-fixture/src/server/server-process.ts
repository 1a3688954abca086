import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {
  getFreePorts,
  LOOPBACK,
  type ServiceProcess,
  startService,
  withPortsRetry,
} from '@infra/fixture-core'
import { influxdBinary } from './binaries.js'
import { buildServerConfig } from './server-config.js'
import type { TomlConfig } from './toml.js'

export interface ServerProcessInput {
  dir: string
  config?: TomlConfig
  /** Fixed HTTP port; ephemeral when absent. */
  port?: number
  startTimeoutMs: number
  stopGraceMs: number
}

export interface RunningServer {
  process: ServiceProcess
  httpPort: number
  rpcPort: number
}

/** `GET /ping` → 204 and the version header, without keep-alive (an idle socket would delay a stop). */
export function ping(port: number, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: LOOPBACK, port, path: '/ping', agent: false, signal }, (res) => {
      res.resume()
      res.on('end', () => {
        const version = res.headers['x-influxdb-version']
        resolve(res.statusCode === 204 ? String(version ?? 'unknown') : undefined)
      })
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** influxd reads `INFLUXDB_*` variables as config overrides (bind addresses included): none reach it. */
export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(env)
      .filter((k) => k.startsWith('INFLUXDB_'))
      .map((k) => [k, undefined]),
  )
}

/** Writes the config into `dir` and starts influxd on two loopback ports (HTTP, RPC), retrying port races. */
export async function startServerProcess(input: ServerProcessInput): Promise<RunningServer> {
  const command = influxdBinary()
  const configFile = path.join(input.dir, 'influxdb.conf')
  const fixed = input.port
  return withPortsRetry(
    2,
    async ([httpPort, rpcPort]) => {
      fs.writeFileSync(
        configFile,
        buildServerConfig({ dir: input.dir, httpPort: httpPort!, rpcPort: rpcPort!, config: input.config }),
      )
      const proc = await startService({
        name: 'influxdb',
        command,
        args: ['-config', configFile],
        cwd: input.dir,
        env: { ...scrubbedEnv(), HOME: input.dir },
        port: httpPort!,
        ready: async ({ signal }) => (await ping(httpPort!, signal)) !== undefined,
        readyWhat: `influxd to answer GET /ping on 127.0.0.1:${httpPort}`,
        readyTimeoutMs: input.startTimeoutMs,
        stopGraceMs: input.stopGraceMs,
      })
      return { process: proc, httpPort: httpPort!, rpcPort: rpcPort! }
    },
    {
      attempts: fixed ? 3 : 8,
      ...(fixed ? { pickPorts: async () => [fixed, ...(await getFreePorts(1))] } : {}),
    },
  )
}

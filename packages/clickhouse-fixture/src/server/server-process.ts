import fs from 'node:fs'
import http from 'node:http'
import {
  getFreePorts,
  LOOPBACK,
  type ServiceProcess,
  startService,
  withPortsRetry,
} from '@infra/fixture-core'
import { clickhouseServerCommand } from './binaries.js'
import { buildServerConfig, buildUsersConfig, configPaths, EMPTY_INCLUDES } from './server-config.js'
import type { XmlTree } from './xml.js'

export interface ServerProcessInput {
  dir: string
  password: string
  config?: XmlTree
  users?: XmlTree
  /** Fixed HTTP port; ephemeral when absent. */
  port?: number
  startTimeoutMs: number
  stopGraceMs: number
}

export interface RunningServer {
  process: ServiceProcess
  httpPort: number
  tcpPort: number
}

/**
 * `GET /ping` answers `Ok.` once the server accepts queries. Without keep-alive: an idle pooled socket would
 * hold up the server's next graceful stop.
 */
function ping(port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: LOOPBACK, port, path: '/ping', agent: false, signal }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve(res.statusCode === 200 && body.startsWith('Ok.')))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/**
 * Writes the configs into `dir` and starts clickhouse-server on two loopback ports (HTTP, native TCP),
 * picking new ones when another process wins the race for them.
 */
export async function startServerProcess(input: ServerProcessInput): Promise<RunningServer> {
  const { command, args } = clickhouseServerCommand()
  const files = configPaths(input.dir)
  fs.writeFileSync(files.includes, EMPTY_INCLUDES)
  fs.writeFileSync(files.users, buildUsersConfig(input.password, input.users, files.includes), {
    mode: 0o600,
  })
  const fixed = input.port
  return withPortsRetry(
    2,
    async ([httpPort, tcpPort]) => {
      fs.writeFileSync(
        files.config,
        buildServerConfig({ dir: input.dir, httpPort: httpPort!, tcpPort: tcpPort!, config: input.config }),
      )
      const proc = await startService({
        name: 'clickhouse',
        command,
        args: [...args, `--config-file=${files.config}`],
        cwd: input.dir,
        port: httpPort!,
        ready: ({ signal }) => ping(httpPort!, signal),
        readyWhat: `clickhouse-server to answer GET /ping on 127.0.0.1:${httpPort}`,
        readyTimeoutMs: input.startTimeoutMs,
        stopGraceMs: input.stopGraceMs,
      })
      return { process: proc, httpPort: httpPort!, tcpPort: tcpPort! }
    },
    {
      attempts: fixed ? 3 : 8,
      ...(fixed ? { pickPorts: async () => [fixed, ...(await getFreePorts(1))] } : {}),
    },
  )
}

import { type ServiceProcess, startService, withPortRetry } from '@infra/fixture-core'
import { ToxiproxyApi } from './api-client.js'
import { toxiproxyServerBinary } from './binary.js'

export interface ServerProcessOptions {
  port?: number
  startTimeoutMs?: number
  stopGraceMs?: number
}

function spawnOn(port: number, options: ServerProcessOptions): Promise<ServiceProcess> {
  const api = new ToxiproxyApi(`http://127.0.0.1:${port}`, 1_000)
  return startService({
    name: 'toxiproxy',
    command: toxiproxyServerBinary(),
    args: ['-host', '127.0.0.1', '-port', String(port)],
    // info, not debug: one line per proxy change, none per API request
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    port,
    ready: async () => (await api.version()).length > 0,
    readyWhat: `the Toxiproxy API to answer GET /version on 127.0.0.1:${port}`,
    readyIntervalMs: 5,
    readyTimeoutMs: options.startTimeoutMs ?? 10_000,
    readyAttemptTimeoutMs: 1_000,
    stopGraceMs: options.stopGraceMs ?? 3_000,
  })
}

/** Starts `toxiproxy-server` on 127.0.0.1 (an ephemeral API port unless `port`), under the run's watchdog. */
export function startServerProcess(options: ServerProcessOptions): Promise<ServiceProcess> {
  return options.port ? spawnOn(options.port, options) : withPortRetry((port) => spawnOn(port, options))
}

import fs from 'node:fs'
import path from 'node:path'
import { chownRecursive, PortInUseError, ServiceProcess, type UserIds } from '@infra/fixture-core'
import { respPing } from './resp-ping.js'

export interface NodeSpec {
  name: string
  command: string
  /** Arguments after the config file path. */
  extraArgs?: readonly string[]
  dir: string
  port: number
  conf: string
  /** Config file name inside `dir` (default `<name>.conf`). */
  confFile?: string
  /** What the readiness message calls the process (default `name`). */
  label?: string
  password?: string
  /** Run as this user (the runner is root): `dir` is handed to it. */
  ids?: UserIds
  startTimeoutMs?: number
  stopGraceMs?: number
}

/** Writes `<dir>/<name>.conf` (writable: sentinel and cluster nodes rewrite it) and starts the process. */
export async function startNode(spec: NodeSpec): Promise<ServiceProcess> {
  fs.mkdirSync(spec.dir, { recursive: true, mode: 0o700 })
  const confPath = path.join(spec.dir, spec.confFile ?? `${spec.name}.conf`)
  fs.writeFileSync(confPath, spec.conf, { mode: 0o600 })
  chownRecursive(spec.dir, spec.ids)
  const proc = new ServiceProcess({
    uid: spec.ids?.uid,
    gid: spec.ids?.gid,
    name: spec.name,
    command: spec.command,
    args: [confPath, ...(spec.extraArgs ?? [])],
    cwd: spec.dir,
    port: spec.port,
    ready: ({ signal, service }) =>
      respPing({
        port: spec.port,
        password: spec.password,
        signal,
        timeoutMs: 2_000,
        expectPid: service.pid,
      }),
    // the probe checks the answering pid itself (cheaper than fixture-core's /proc scan)
    checkPortOwner: false,
    readyWhat: `${spec.label ?? spec.name} to answer PING on 127.0.0.1:${spec.port}`,
    readyIntervalMs: 5,
    readyTimeoutMs: spec.startTimeoutMs ?? 20_000,
    stopGraceMs: spec.stopGraceMs ?? 3_000,
  })
  return proc.start()
}

/**
 * Starts several nodes in parallel; if any fails, stops those that started and rethrows (a
 * {@link PortInUseError} first, so that the caller's port retry picks new ports for the whole group).
 */
export async function startNodes(specs: readonly NodeSpec[]): Promise<ServiceProcess[]> {
  const results = await Promise.allSettled(specs.map(startNode))
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length === 0) return results.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value)
  await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.kill() : Promise.resolve())))
  const clash = failed.find((f) => f.reason instanceof PortInUseError)
  throw (clash ?? failed[0]!).reason
}

/** Kills every process (used when a group start fails half-way). */
export async function killAll(procs: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => p.kill().catch(() => {})))
}

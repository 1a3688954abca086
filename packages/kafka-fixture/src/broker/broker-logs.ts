import fs from 'node:fs'
import path from 'node:path'
import { debugLogger, getRunDir } from '@infra/fixture-core'
import type { KafkaNode } from './kafka-node.js'

const debug = debugLogger('infra:kafka')

/** The last failure log written for each node (its start failed, or it crashed). */
const lastLogFile = new WeakMap<KafkaNode, string>()

/** The directory failure logs go to: `<run dir>/kafka-logs` (kept until the test run ends). */
export function brokerLogDir(): string {
  return path.join(getRunDir(), 'kafka-logs')
}

/** The path of the last failure log of `node`, if one was written. */
export function brokerLogFile(node: KafkaNode): string | undefined {
  return lastLogFile.get(node)
}

/**
 * Writes the node's kept log lines (the in-memory ring buffer, which stays as it is) to
 * `<run dir>/kafka-logs/<cluster>-node-<id>-<time>.log` with a header saying why. Returns the path, or
 * undefined when it could not be written (never throws: it runs while something else already failed).
 */
export function writeBrokerLog(node: KafkaNode, clusterId: string, reason: string): string | undefined {
  try {
    const dir = brokerLogDir()
    fs.mkdirSync(dir, { recursive: true })
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const file = path.join(dir, `${clusterId.slice(0, 8)}-node-${node.nodeId}-${stamp}.log`)
    const exit = node.process.exitInfo
    const how = exit ? (exit.signal ?? `exit code ${exit.code}`) : 'still running'
    const header = [
      `# Kafka node ${node.nodeId} (cluster ${clusterId}, broker 127.0.0.1:${node.brokerPort}, controller :${node.controllerPort})${node.sharedJvm ? ' — one JVM runs every node of the cluster: these are all their lines' : ''}`,
      `# ${reason}; process: ${how}; node dir ${node.dir} (removed on stop)`,
      '',
    ]
    fs.writeFileSync(file, `${[...header, ...node.process.logs()].join('\n')}\n`)
    lastLogFile.set(node, file)
    debug?.(`node ${node.nodeId}: ${reason}, its log is in ${file}`)
    return file
  } catch (err) {
    debug?.(`node ${node.nodeId}: could not write its log file: ${(err as Error).message}`)
    return undefined
  }
}

/** Adds the log file paths to an error's message (and stack), keeping its type. */
export function nameLogFiles(err: unknown, files: readonly (string | undefined)[]): void {
  const paths = files.filter((f): f is string => f !== undefined)
  if (paths.length === 0 || !(err instanceof Error)) return
  const note = `\nBroker log${paths.length > 1 ? 's' : ''} (until the test run ends): ${paths.join(', ')}`
  const before = err.message
  err.message += note
  if (err.stack?.includes(before)) err.stack = err.stack.replace(before, err.message)
}

/**
 * When the current incarnation of `node` exits without being asked to (a crash: killed from outside,
 * out of memory, a fatal error), writes its log file. Call after each start.
 */
export function watchForCrash(node: KafkaNode, clusterId: string): void {
  const incarnation = node.process.pid
  node.process.exited.then((exit) => {
    if (exit.requested || node.process.pid !== incarnation) return
    writeBrokerLog(node, clusterId, `crashed (${exit.signal ?? `exit code ${exit.code}`})`)
  })
}

/** Starts (or restarts) a node; a failed start writes its log file and names it in the error. */
export async function startNodeLogged(
  node: KafkaNode,
  clusterId: string,
  start: () => Promise<unknown>,
): Promise<void> {
  try {
    await start()
  } catch (err) {
    nameLogFiles(err, [writeBrokerLog(node, clusterId, 'failed to start')])
    throw err
  }
  watchForCrash(node, clusterId)
}

import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { buildOnce, ProcessExitedError, withTimeout } from '@infra/fixture-core'
import { renderServerProperties } from './broker-config.js'
import { libsFingerprint } from './jars.js'

/**
 * KRaft storage, formatted once per Kafka version: `StorageTool format` costs a JVM start (~1 s);
 * its output for a static-voter cluster is a `bootstrap.checkpoint` (the feature levels, the same
 * for every node) and a `meta.properties` (node id, cluster id, directory id). The fixture formats
 * once into a cached template and stamps each node's log dir from it in microseconds.
 */

const BOOTSTRAP_FILE = 'bootstrap.checkpoint'

/** A random Kafka `Uuid` in its string form (URL-safe base64, 22 chars, never starting with '-'). */
export function randomKafkaUuid(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url')
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id
  }
}

export interface JvmCommand {
  java: string
  libsDir: string
  jvmFlags: readonly string[]
}

/** Runs a Kafka main class to completion (finite timeout); rejects with its output on failure. */
export async function runKafkaTool(
  cmd: JvmCommand,
  mainClass: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<string> {
  const child = spawn(cmd.java, [...cmd.jvmFlags, '-cp', `${cmd.libsDir}/*`, mainClass, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
    child.once('error', (err) => {
      output += `\n${err.message}`
      resolve({ code: null, signal: null })
    })
  })
  try {
    const res = await withTimeout(exit, timeoutMs, `${mainClass} ${args[0] ?? ''} to finish`)
    if (res.code !== 0)
      throw new ProcessExitedError(mainClass, res, output.trim().split('\n'), 'while formatting')
    return output
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

/** The cached formatted-storage template for this Kafka build; returns the template dir. */
export function storageTemplate(cmd: JvmCommand, version: string): Promise<string> {
  return buildOnce({
    kind: 'kafka-storage',
    inputs: { version, libs: libsFingerprint(cmd.libsDir), layout: 'static-voters-v1' },
    build: async (dir) => {
      const work = path.join(dir, 'work')
      fs.mkdirSync(work)
      const props = path.join(work, 'server.properties')
      fs.writeFileSync(
        props,
        renderServerProperties({
          node: { nodeId: 1, brokerPort: 1, controllerPort: 2 },
          cluster: [{ nodeId: 1, brokerPort: 1, controllerPort: 2 }],
          logDir: path.join(work, 'data'),
        }),
      )
      await runKafkaTool(cmd, 'kafka.tools.StorageTool', ['format', '-t', randomKafkaUuid(), '-c', props])
      fs.copyFileSync(path.join(work, 'data', BOOTSTRAP_FILE), path.join(dir, BOOTSTRAP_FILE))
      fs.rmSync(work, { recursive: true, force: true })
    },
  })
}

/** Makes `logDir` a formatted KRaft log dir for `nodeId` of cluster `clusterId`. */
export function stampNodeStorage(template: string, logDir: string, nodeId: number, clusterId: string): void {
  fs.rmSync(logDir, { recursive: true, force: true })
  fs.mkdirSync(logDir, { recursive: true })
  fs.copyFileSync(path.join(template, BOOTSTRAP_FILE), path.join(logDir, BOOTSTRAP_FILE))
  fs.writeFileSync(
    path.join(logDir, 'meta.properties'),
    `#\n#${new Date().toUTCString()}\nnode.id=${nodeId}\ndirectory.id=${randomKafkaUuid()}\nversion=1\ncluster.id=${clusterId}\n`,
  )
}

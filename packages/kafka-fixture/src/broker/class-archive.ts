import fs from 'node:fs'
import { LOOPBACK } from '@infra/fixture-core'
import { createClient } from '../clients/client-config.js'
import { cdsArchive } from './cds.js'
import { libsFingerprint } from './jars.js'
import { AOT_CACHE_MIN_JAVA_MAJOR, type JavaInfo } from './java.js'
import { logBackend } from './log4j-config.js'
import { runKafkaTool } from './storage.js'

/** A throwaway single broker started with extra JVM args, stopped gracefully by `stop`. */
export interface TrainingBroker {
  brokerPort: number
  stop(graceMs: number): Promise<void>
}

export interface ClassArchiveInputs {
  java: JavaInfo
  libs: { dir: string; version: string }
  jvmFlags: readonly string[]
  startTrainingBroker: (extraJvmArgs: string[]) => Promise<TrainingBroker>
}

export interface ClassArchive {
  /** The cached file (a refused one is discarded through it). */
  path: string
  /** The JVM arguments that map it. */
  jvmArgs: string[]
  /** 'aot': Java 25+'s ahead-of-time cache (loaded and linked classes); 'cds': a dynamic AppCDS archive. */
  kind: 'aot' | 'cds'
}

/** True for the JVM args that make a training run (no archive for that run itself). */
export function isTrainingRun(extraJvmArgs: readonly string[]): boolean {
  return extraJvmArgs.some((a) => a.startsWith('-XX:ArchiveClassesAtExit') || a === '-XX:AOTMode=record')
}

/**
 * The class archive every broker start maps, built once per (Java build, jars, JVM flags) over a real
 * start → topic → produce → consume run, or undefined (start without it) when it cannot be built.
 * - Java 25+: an AOT cache (JEP 483/514): the training broker records with `-XX:AOTMode=record`, then one
 *   `-XX:AOTMode=create` JVM writes classes already loaded *and linked* — a third off a start vs Java 17.
 * - Java 17–24: a dynamic AppCDS archive (`-XX:ArchiveClassesAtExit`) on top of the JDK's base archive.
 */
export async function classArchive(inputs: ClassArchiveInputs): Promise<ClassArchive | undefined> {
  const { java, libs, jvmFlags } = inputs
  const cmd = { java: java.path, libsDir: libs.dir, jvmFlags }
  const aot = java.major >= AOT_CACHE_MIN_JAVA_MAJOR
  const file = aot ? 'kafka.aot' : 'kafka.jsa'
  const path = await cdsArchive(
    {
      // the exact JVM build (a Java update makes an archive unusable), the jar set, the flags, and
      // what the archive was dumped over (the logging backend: see log4j-config.ts)
      jvm: java.identity,
      version: libs.version,
      libs: libsFingerprint(libs.dir),
      jvmFlags,
      dump: `start+topic+produce+consume, logging ${logBackend()}${aot ? ', AOT cache' : ''}`,
    },
    async (archivePath) => {
      if (!aot) return train(inputs, [`-XX:ArchiveClassesAtExit=${archivePath}`])
      const config = `${archivePath}conf`
      await train(inputs, ['-XX:AOTMode=record', `-XX:AOTConfiguration=${config}`])
      // no main class: the JVM writes the cache from the recorded configuration and exits
      await runKafkaTool(
        {
          ...cmd,
          jvmFlags: [
            ...jvmFlags,
            '-XX:AOTMode=create',
            `-XX:AOTConfiguration=${config}`,
            `-XX:AOTCache=${archivePath}`,
          ],
        },
        '-Xlog:aot=error',
        [],
        120_000,
      )
      // the recorded configuration (~60 MB) is only an input of the cache
      fs.rmSync(config, { force: true })
    },
    // a JVM that cannot map the archive exits at once with -Xshare:on / -XX:AOTMode=on
    (archivePath) =>
      runKafkaTool(
        {
          ...cmd,
          jvmFlags: [
            ...jvmFlags,
            ...(aot
              ? ['-XX:AOTMode=on', `-XX:AOTCache=${archivePath}`]
              : ['-Xshare:on', `-XX:SharedArchiveFile=${archivePath}`]),
          ],
        },
        '-version',
        [],
        30_000,
      ).then(() => undefined),
    file,
  )
  if (!path) return undefined
  return {
    path,
    // Java 25.0.2 warns on every start that it could not link one cached adapter (harmless: the JVM
    // generates it); only the AOT log's errors reach the broker log
    jvmArgs: aot ? [`-XX:AOTCache=${path}`, '-Xlog:aot*=error'] : [`-XX:SharedArchiveFile=${path}`],
    kind: aot ? 'aot' : 'cds',
  }
}

/** Runs a throwaway single broker through a produce/consume round trip, then stops it gracefully. */
async function train(inputs: ClassArchiveInputs, extraJvmArgs: string[]): Promise<void> {
  const broker = await inputs.startTrainingBroker(extraJvmArgs)
  try {
    const client = createClient([`${LOOPBACK}:${broker.brokerPort}`])
    const admin = client.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'cds-warmup', numPartitions: 1 }], waitForLeaders: true })
    await admin.disconnect()
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    await producer.send({ topic: 'cds-warmup', acks: -1, messages: [{ key: 'k', value: 'v' }] })
    await producer.disconnect()
    const consumer = client.consumer({ groupId: 'cds-warmup', maxWaitTimeInMs: 100, heartbeatInterval: 300 })
    await consumer.connect()
    await consumer.subscribe({ topic: 'cds-warmup', fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no warm-up message within 20 s')), 20_000)
      consumer.run({
        eachMessage: async () => {
          clearTimeout(t)
          resolve()
        },
      })
    })
    await consumer.disconnect()
  } finally {
    // graceful: the JVM writes the archive (or its AOT configuration) on a normal exit
    await broker.stop(60_000)
  }
}

import fs from 'node:fs'
import path from 'node:path'
import { buildOnce, debugLogger } from '@infra/fixture-core'

export const CDS_ENV = 'INFRA_KAFKA_CDS'
const debug = debugLogger('infra:kafka')
const failedThisProcess = new Set<string>()
/** Archives no start has used for this long go when a new one is built. */
const UNUSED_ARCHIVE_MS = 7 * 24 * 3600_000

/** True unless disabled by option or `INFRA_KAFKA_CDS=0`. */
export function cdsEnabled(option: boolean | undefined): boolean {
  if (option !== undefined) return option
  const env = process.env[CDS_ENV]
  return !(env === '0' || env === 'false' || env === 'off')
}

/**
 * An AppCDS archive of the classes a broker loads (start, create topic, produce, consume), built once
 * per (Java, Kafka jars, JVM flags) by `build` — which must run a broker with
 * `-XX:ArchiveClassesAtExit=<archive>` and stop it gracefully — and reused by every later start
 * (`-XX:SharedArchiveFile`): it cuts the JVM's class loading, the bulk of a broker's start time.
 * Returns undefined (start without it) when the build fails; never fails a start.
 */
export async function cdsArchive(
  inputs: Record<string, unknown>,
  build: (archivePath: string) => Promise<void>,
  verify?: (archivePath: string) => Promise<void>,
  fileName = 'kafka.jsa',
): Promise<string | undefined> {
  const key = JSON.stringify(inputs)
  if (failedThisProcess.has(key)) {
    debug?.('class-data archive: its build failed earlier in this process, starting without it')
    return undefined
  }
  let built = false
  try {
    const dir = await buildOnce({
      kind: 'kafka-cds',
      inputs,
      // each Java, jar set or flag change leaves an archive behind (an AOT cache is ~64 MB)
      pruneUnusedAfterMs: UNUSED_ARCHIVE_MS,
      build: async (tmp) => {
        built = true
        debug?.('class-data archive: cache miss, building it (a throwaway broker, once per machine)')
        const archive = path.join(tmp, fileName)
        await build(archive)
        if (!fs.existsSync(archive) || fs.statSync(archive).size === 0) {
          throw new Error('the JVM exited without writing the class-data archive')
        }
        // a JVM that cannot map it (other build, other class path) must refuse it now, not run without it
        await verify?.(archive)
      },
    })
    const archive = path.join(dir, fileName)
    debug?.(`class-data archive: ${built ? 'built' : 'cache hit'} ${archive}`)
    return archive
  } catch (err) {
    failedThisProcess.add(key)
    debug?.(`class-data archive not built, starting without it: ${(err as Error).message}`)
    return undefined
  }
}

/**
 * True when a JVM's output says it could not use its class-data archive (the JVM prints CDS warnings
 * to stdout by default and then runs without it, i.e. slowly).
 */
export function cdsRefused(logLines: readonly string[]): boolean {
  return logLines.some(
    (l) => /\[warning\]\[cds/.test(l) || /shared archive file .*(?:mismatch|was created by)/i.test(l),
  )
}

/**
 * Sets a refused archive's cache entry aside (rename, then remove), so the next start builds a new
 * one. The running JVMs keep their mapping; a concurrent reader sees the entry or nothing.
 */
export function discardCdsArchive(archivePath: string): void {
  const dir = path.dirname(archivePath)
  const aside = `${dir}.stale-${process.pid}-${Date.now()}`
  try {
    fs.renameSync(dir, aside)
    fs.rmSync(aside, { recursive: true, force: true })
    debug?.(`class-data archive ${archivePath} was refused by the JVM: discarded, the next start rebuilds it`)
  } catch (err) {
    debug?.(
      `class-data archive ${archivePath} refused, and could not be discarded: ${(err as Error).message}`,
    )
  }
}

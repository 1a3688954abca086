import {
  createTempDir,
  debugLogger,
  LOOPBACK,
  PortInUseError,
  type TempDir,
  waitFor,
  withPortsRetry,
} from '@infra/fixture-core'
import { fetchMetadata } from '../wire/kafka-wire.js'
import {
  type AdvertisedHost,
  type ConfigValue,
  type NodeAddress,
  sharedJvmElectionConfig,
} from './broker-config.js'
import { brokerLogFile, nameLogFiles, watchForCrash, writeBrokerLog } from './broker-logs.js'
import { cdsEnabled, cdsRefused, discardCdsArchive } from './cds.js'
import { classArchive, isTrainingRun } from './class-archive.js'
import { resolveKafkaLibs } from './jars.js'
import { resolveJava } from './java.js'
import { defaultJvmFlags } from './jvm.js'
import {
  isLive,
  type KafkaNode,
  nodeDir,
  oneNodePerProcess,
  prepareNode,
  prepareSharedJvmNodes,
} from './kafka-node.js'
import { logConfigJvmArgs, writeLogConfig } from './log4j-config.js'
import { randomKafkaUuid, storageTemplate } from './storage.js'

export interface LocalClusterOptions {
  size: number
  version: string
  kafkaHome?: string
  java?: string
  cds?: boolean
  heapMb: number
  jvmFlags?: readonly string[]
  /** server.properties overrides for every node (checked by the caller). */
  brokerConfig?: Readonly<Record<string, ConfigValue>>
  /** One node's overrides, applied after `brokerConfig` (checked by the caller). */
  nodeConfig?: (nodeId: number) => Readonly<Record<string, ConfigValue>> | undefined
  /** Id of the first node; the others follow. Default 1. */
  firstNodeId?: number
  advertisedHost?: AdvertisedHost
  startTimeoutMs: number
  logLevel: string
  /** Run every node in one JVM (a cluster of 2+ nodes): faster start, no single-broker faults. */
  sharedJvm?: boolean
}

export interface LocalCluster {
  version: string
  clusterId: string
  nodes: KafkaNode[]
  /** The host in each broker's advertised listener (its listeners bind 127.0.0.1). */
  advertisedHost: AdvertisedHost
  workDir: TempDir
  /** Whether the nodes run with a class archive (AOT cache or AppCDS). */
  cds: boolean
  /** The Java the nodes run on, and which class archive they map. */
  jvm: { java: string; major: number; classArchive: 'aot' | 'cds' | undefined }
  /** True when one JVM runs every node (`sharedJvm`): faults act on the whole cluster only. */
  sharedJvm: boolean
  /** Waits until every running node sees `expected` unfenced brokers. */
  waitForBrokers(expected: number, timeoutMs: number): Promise<void>
  stop(graceMs: number): Promise<void>
}

const debug = debugLogger('infra:kafka')

async function startNodesTogether(nodes: KafkaNode[]): Promise<void> {
  const processes = oneNodePerProcess(nodes).map((n) => n.process)
  const starts = processes.map((p) => p.start())
  try {
    await Promise.all(starts)
  } catch (first) {
    await Promise.all(processes.map((p) => p.kill()))
    const results = await Promise.allSettled(starts)
    // a port clash on any node means: retry the whole cluster on new ports
    for (const r of results) if (r.status === 'rejected' && r.reason instanceof PortInUseError) throw r.reason
    throw first
  }
}

export function brokersVisible(nodes: readonly KafkaNode[], expected: number): Promise<boolean> {
  return Promise.all(
    nodes.filter(isLive).map(async (n) => {
      const md = await fetchMetadata(LOOPBACK, n.brokerPort, [], { timeoutMs: 2_000 })
      return md.brokers.length >= expected
    }),
  ).then((oks) => oks.every(Boolean))
}

/** Starts `size` combined broker+controller nodes on loopback and waits until all are registered. */
export async function startLocalCluster(
  opts: LocalClusterOptions,
  extraJvmArgs: readonly string[] = [],
): Promise<LocalCluster> {
  // a process's first temp dir starts fixture-core's watchdog (a child process, 0.1–0.6 s): it starts
  // while Java, the jars, the storage template and the class-data archive are looked up
  const workDirStart = createTempDir('kafka')
  workDirStart.catch(() => {})
  const launch = await prepareLaunch(opts, extraJvmArgs).catch(async (err) => {
    await workDirStart.then(
      (d) => d.remove(),
      () => {},
    )
    throw err
  })
  const { java, libs, jvmFlags, template, archive } = launch
  const shared = opts.sharedJvm === true && opts.size > 1
  // one JVM for every node: the heap of all of them (the class archive maps with these flags too)
  const sharedFlags = opts.jvmFlags ? [...opts.jvmFlags] : defaultJvmFlags(opts.heapMb * opts.size, opts.size)
  const workDir = await workDirStart
  const nodes: KafkaNode[] = []
  const clusterId = randomKafkaUuid()
  try {
    const logConfig = writeLogConfig(workDir.path, opts.logLevel)
    const extra = [...logConfigJvmArgs(logConfig), ...(archive?.jvmArgs ?? []), ...extraJvmArgs]
    await withPortsRetry(opts.size * 2, async (ports) => {
      const cluster: NodeAddress[] = Array.from({ length: opts.size }, (_, i) => ({
        nodeId: (opts.firstNodeId ?? 1) + i,
        brokerPort: ports[2 * i]!,
        controllerPort: ports[2 * i + 1]!,
      }))
      const nodeLaunch = (id: number, defaults: Record<string, ConfigValue> = {}) => ({
        java: java.path,
        libsDir: libs.dir,
        jvmFlags,
        extraJvmArgs: extra,
        storageTemplate: template,
        clusterId,
        readyTimeoutMs: opts.startTimeoutMs,
        brokerConfig: { ...defaults, ...opts.brokerConfig, ...opts.nodeConfig?.(id) },
        advertisedHost: opts.advertisedHost,
      })
      nodes.length = 0
      if (shared) {
        const launchOf = (id: number) => ({
          ...nodeLaunch(id, sharedJvmElectionConfig(id - cluster[0]!.nodeId)),
          jvmFlags: sharedFlags,
        })
        nodes.push(...prepareSharedJvmNodes(workDir.path, cluster, launchOf))
      } else {
        for (const addr of cluster) {
          nodes.push(prepareNode(nodeDir(workDir.path, addr.nodeId), addr, cluster, nodeLaunch(addr.nodeId)))
        }
      }
      debug?.(
        `starting ${opts.size} node(s): ${cluster.map((n) => `node ${n.nodeId} broker ${LOOPBACK}:${n.brokerPort} controller :${n.controllerPort}`).join(', ')}${archive ? `, with the ${archive.kind === 'aot' ? 'AOT class cache' : 'class-data archive'}` : ''}`,
      )
      await startNodesTogether(nodes)
    })
    const waitForBrokers = (expected: number, timeoutMs: number) =>
      waitFor(() => brokersVisible(nodes, expected), {
        what: `all ${expected} Kafka brokers to be registered and unfenced on every running node`,
        timeoutMs,
        intervalMs: 50,
      }).then(
        () => undefined,
        (err: unknown) => {
          // a node that crashed since the start has its log file: name it
          nameLogFiles(err, nodes.map(brokerLogFile))
          throw err
        },
      )
    await waitForBrokers(opts.size, opts.startTimeoutMs)
    for (const n of oneNodePerProcess(nodes)) watchForCrash(n, clusterId)
    // (a JVM that cannot use an AOT cache says nothing: its key — Java build, jars, flags — must match)
    if (archive?.kind === 'cds' && nodes.some((n) => cdsRefused(n.process.logs())))
      discardCdsArchive(archive.path)
    debug?.(`ready: ${nodes.map((n) => `${LOOPBACK}:${n.brokerPort}`).join(',')} (cluster ${clusterId})`)
    let stopping: Promise<void> | undefined
    return {
      version: libs.version,
      clusterId,
      nodes,
      advertisedHost: opts.advertisedHost ?? LOOPBACK,
      workDir,
      cds: archive !== undefined,
      jvm: { java: java.path, major: java.major, classArchive: archive?.kind },
      sharedJvm: shared,
      waitForBrokers,
      stop: (graceMs) => {
        stopping ??= (async () => {
          await Promise.all(oneNodePerProcess(nodes).map((n) => n.process.stop({ graceMs })))
          await workDir.remove()
        })()
        return stopping
      },
    }
  } catch (err) {
    const processes = oneNodePerProcess(nodes)
    await Promise.all(processes.map((n) => n.process.kill()))
    // the in-memory logs go with the handle: every process that ran gets a file under the run dir
    const started = processes.filter((n) => n.process.pid !== undefined)
    nameLogFiles(
      err,
      started.map((n) => writeBrokerLog(n, clusterId, 'the cluster failed to start')),
    )
    await workDir.remove()
    throw err
  }
}

/** Java, jars, JVM flags, the storage template and (unless off) the class archive. */
async function prepareLaunch(opts: LocalClusterOptions, extraJvmArgs: readonly string[]) {
  const java = resolveJava(opts.java)
  const libs = resolveKafkaLibs({ version: opts.version, kafkaHome: opts.kafkaHome })
  const jvmFlags = opts.jvmFlags ? [...opts.jvmFlags] : defaultJvmFlags(opts.heapMb)
  const template = await storageTemplate({ java: java.path, libsDir: libs.dir, jvmFlags }, libs.version)
  const archive =
    cdsEnabled(opts.cds) && !isTrainingRun(extraJvmArgs)
      ? await classArchive({
          java,
          libs,
          jvmFlags,
          startTrainingBroker: async (trainingArgs) => {
            const c = await startLocalCluster(
              { ...opts, size: 1, cds: false, brokerConfig: undefined, nodeConfig: undefined },
              trainingArgs,
            )
            return { brokerPort: c.nodes[0]!.brokerPort, stop: (graceMs) => c.stop(graceMs) }
          },
        })
      : undefined
  return { java, libs, jvmFlags, template, archive }
}

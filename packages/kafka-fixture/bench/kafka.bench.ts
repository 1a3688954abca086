// pnpm bench → bench/results/kafka.json (flat numeric keys). One run on whatever machine this is;
// the anchor (a broker started the way the distribution's scripts do it) runs in the same process.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTempDir } from '@infra/fixture-core'
import type { ConsumerConfig } from 'kafkajs'
import { resolveKafkaLibs } from '../src/broker/jars.js'
import { resolveJava } from '../src/broker/java.js'
import { DEFAULT_KAFKA_VERSION } from '../src/broker/kafka-version.js'
import { randomKafkaUuid, runKafkaTool } from '../src/broker/storage.js'
import { type KafkaFixture, type KafkaOptions, startKafka } from '../src/index.js'
import { AckedStream, checkStream } from '../test/failover-stream.js'
import { beforeOptions, roundTripConsumerConfig, SYSTEM_JAVA, withLog4jCore } from './before-settings.js'
import { startupBreakdown } from './breakdown.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const CLUSTER_RUNS = Number(process.env.BENCH_CLUSTER_RUNS ?? 3)
const ANCHOR_RUNS = Math.min(RUNS, Number(process.env.BENCH_ANCHOR_RUNS ?? 3))
const ONLY_CLUSTER = process.env.BENCH_ONLY === 'cluster'
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000)
const results: Record<string, number> = {}
const log = (s: string) => process.stderr.write(`${s}\n`)

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor((s.length - 1) / 2)]!
}

async function roundTrip(kafka: KafkaFixture, consumerConfig: Partial<ConsumerConfig> = {}): Promise<void> {
  const topic = await kafka.createTopic()
  await kafka.produce(topic, 'ping')
  await kafka.consume(topic, { count: 1, timeoutMs: 30_000, consumerConfig })
}

/** CPU time (user+system, ms) the node JVMs have used so far: on a shared machine, steadier than wall time. */
function jvmCpuMs(kafka: KafkaFixture): number {
  let ms = 0
  // with sharedJvm every node names the one JVM
  for (const pid of new Set(kafka.nodes.map((n) => n.pid))) {
    if (!pid) continue
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // clock ticks (USER_HZ = 100)
  }
  return ms
}

/**
 * start → a produce/consume round trip works; stop is not timed. `starts` gets the time until start
 * returned (the fixture's own readiness: every node serves metadata and lists the others), `cpu` the
 * JVMs' CPU time per node at that point.
 */
async function readyTimes(
  label: string,
  opts: KafkaOptions,
  runs: number,
  before?: () => Promise<number>,
  cpu?: number[],
  starts?: number[],
) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const extra = before ? await before() : 0
    const t0 = performance.now()
    const kafka = await startKafka(opts)
    starts?.push(performance.now() - t0 + extra)
    cpu?.push(jvmCpuMs(kafka) / kafka.nodes.length)
    try {
      await roundTrip(kafka, roundTripConsumerConfig(opts))
      times.push(performance.now() - t0 + extra)
    } finally {
      await kafka.stop()
    }
    log(
      `${label} run ${i + 1}: ${times.at(-1)!.toFixed(0)} ms (start ${starts?.at(-1)?.toFixed(0) ?? '-'} ms)`,
    )
  }
  return times
}

/** The anchor's per-node `kafka-storage.sh format`: one JVM, timed, into a throwaway dir. */
async function distributionStyleFormat(): Promise<number> {
  const java = resolveJava(SYSTEM_JAVA)
  const libs = resolveKafkaLibs({ version: DEFAULT_KAFKA_VERSION })
  await using dir = await createTempDir('kafka-bench-format')
  const props = path.join(dir.path, 'server.properties')
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.voters=1@127.0.0.1:9093',
      'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'controller.listener.names=CONTROLLER',
      `log.dirs=${path.join(dir.path, 'data')}`,
      '',
    ].join('\n'),
  )
  const t0 = performance.now()
  await runKafkaTool(
    { java: java.path, libsDir: libs.dir, jvmFlags: ['-Xmx1G', '-Xms1G'] },
    'kafka.tools.StorageTool',
    ['format', '-t', randomKafkaUuid(), '-c', props],
  )
  return performance.now() - t0
}

async function main() {
  // the machine's load (`uptime`) with each run: the figures are only comparable at similar load
  results.load_avg_1m_at_start = Number(os.loadavg()[0]!.toFixed(2))
  results.load_avg_5m_at_start = Number(os.loadavg()[1]!.toFixed(2))
  results.cpus = os.cpus().length

  // warm the caches (storage template, CDS archives: ours and the before-state's) so the runs
  // measure steady state
  await readyTimes('warm-up', { nodes: 1 }, 1)
  await readyTimes('warm-up (Java 17)', { nodes: 1, java: SYSTEM_JAVA }, 1)
  await withLog4jCore(() => readyTimes('warm-up (before)', beforeOptions({ nodes: 1 }), 1))
  if (!ONLY_CLUSTER) await singleBroker()
  await cluster3Ready()
  await cluster3()
  results.before_failover_resume_ms = await withLog4jCore(async () => {
    const before = await startKafka(beforeOptions({ nodes: 3 }))
    try {
      const f = await failoverResume(before, 'before')
      results.before_failover_lost_messages = f.check.lost
      return f.resumeMs
    } finally {
      await before.stop()
    }
  })
  if (!ONLY_CLUSTER) {
    Object.assign(results, await startupBreakdown('single', { nodes: 1 }))
    Object.assign(
      results,
      await withLog4jCore(() => startupBreakdown('before_single', beforeOptionsForBreakdown(1))),
    )
  }
  Object.assign(results, await startupBreakdown('cluster3', { nodes: 3 }))
  Object.assign(results, await startupBreakdown('cluster3_shared_jvm', { nodes: 3, sharedJvm: true }))
  Object.assign(
    results,
    await withLog4jCore(() => startupBreakdown('before_cluster3', beforeOptionsForBreakdown(3))),
  )
  results.load_avg_1m_at_end = Number(os.loadavg()[0]!.toFixed(2))
  const out = path.join(here, 'results', ONLY_CLUSTER ? 'kafka-cluster-only.tmp' : 'kafka.json')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(JSON.stringify(results, null, 2))
}

async function singleBroker() {
  // ours, ours without CDS and the anchor take turns, so each sees the same (shared, noisy) machine.
  // anchor: what the distribution's scripts do — a JVM to format storage, the broker on
  // kafka-server-start.sh's JVM flags (1 GB heap, G1), stock group/broker settings, no CDS
  const anchorOpts: KafkaOptions = {
    nodes: 1,
    java: SYSTEM_JAVA,
    cds: false,
    warmUp: false,
    jvmFlags: [
      '-Xmx1G',
      '-Xms1G',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
    ],
    brokerConfig: { 'group.initial.rebalance.delay.ms': 3000, 'num.network.threads': 3, 'num.io.threads': 8 },
  }
  const ours: number[] = []
  const oursStart: number[] = []
  const oursCpu: number[] = []
  const java17: number[] = []
  const java17Start: number[] = []
  const noCds: number[] = []
  const before: number[] = []
  const beforeCpu: number[] = []
  const anchor: number[] = []
  for (let i = 0; i < RUNS; i++) {
    ours.push(...(await readyTimes('single broker', { nodes: 1 }, 1, undefined, oursCpu, oursStart)))
    // today's settings on the machine's Java 17 (AppCDS instead of the AOT cache)
    java17.push(
      ...(await readyTimes(
        'single broker, Java 17',
        { nodes: 1, java: SYSTEM_JAVA },
        1,
        undefined,
        undefined,
        java17Start,
      )),
    )
    noCds.push(...(await readyTimes('single broker, no class archive', { nodes: 1, cds: false }, 1)))
    before.push(
      ...(await withLog4jCore(() =>
        readyTimes('single broker, before', beforeOptions({ nodes: 1 }), 1, undefined, beforeCpu),
      )),
    )
    // the anchor is 5–10× slower than the rest: 3 of its runs keep the bench under ~3 min
    if (i < ANCHOR_RUNS) {
      anchor.push(
        ...(await readyTimes('anchor (distribution-style)', anchorOpts, 1, distributionStyleFormat)),
      )
    }
  }
  // ready = startKafka returned and a topic create + produce + consume round trip worked
  results.single_ready_p50_ms = Math.round(p50(ours))
  // startKafka() alone: the broker serves metadata and lists itself (no topic, no client yet)
  results.single_start_p50_ms = Math.round(p50(oursStart))
  results.single_ready_java17_p50_ms = Math.round(p50(java17))
  results.single_start_java17_p50_ms = Math.round(p50(java17Start))
  results.before_single_ready_p50_ms = Math.round(p50(before))
  results.anchor_single_ready_p50_ms = Math.round(p50(anchor))
  results.single_ready_no_cds_p50_ms = Math.round(p50(noCds))
  results.single_jvm_cpu_at_ready_p50_ms = Math.round(p50(oursCpu))
  results.before_single_jvm_cpu_at_ready_p50_ms = Math.round(p50(beforeCpu))
  results.single_ready_speedup_vs_anchor = Number((p50(anchor) / p50(ours)).toFixed(2))
  // the keys of earlier runs, same values
  results.single_broker_ready_p50_ms = results.single_ready_p50_ms
  results.single_broker_ready_no_cds_p50_ms = results.single_ready_no_cds_p50_ms
  results.anchor_single_broker_ready_p50_ms = results.anchor_single_ready_p50_ms
  results.single_broker_ready_speedup_vs_anchor = results.single_ready_speedup_vs_anchor

  // topic → consumer joined → first message consumed, on a warm single broker
  {
    const kafka = await startKafka({ nodes: 1 })
    try {
      await roundTrip(kafka)
      const times: number[] = []
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now()
        const topic = await kafka.createTopic()
        const consumer = await kafka.startConsumer(topic)
        await kafka.produce(topic, 'first')
        await consumer.waitForMessages(1, 30_000)
        times.push(performance.now() - t0)
        await consumer.stop()
      }
      results.topic_to_first_message_p50_ms = Math.round(p50(times))
      log(`topic → first message: ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
    } finally {
      await kafka.stop()
    }
  }
}

function beforeOptionsForBreakdown(nodes: number) {
  const o = beforeOptions({ nodes })
  return {
    nodes,
    java: o.java,
    jvmFlags: o.jvmFlags,
    brokerConfig: o.brokerConfig,
    consumerConfig: roundTripConsumerConfig(o),
  }
}

/**
 * 3-node cluster ready (every node lists all 3 brokers, then a round trip): ours (a JVM per node), ours
 * with `sharedJvm` (one JVM) and before, in turns.
 */
async function cluster3Ready() {
  const ours: number[] = []
  const oursStart: number[] = []
  const oursCpu: number[] = []
  const shared: number[] = []
  const sharedStart: number[] = []
  const sharedCpu: number[] = []
  const before: number[] = []
  const beforeCpu: number[] = []
  for (let i = 0; i < CLUSTER_RUNS; i++) {
    ours.push(...(await readyTimes('3-node cluster', { nodes: 3 }, 1, undefined, oursCpu, oursStart)))
    shared.push(
      ...(await readyTimes(
        '3-node cluster, one JVM',
        { nodes: 3, sharedJvm: true },
        1,
        undefined,
        sharedCpu,
        sharedStart,
      )),
    )
    before.push(
      ...(await withLog4jCore(() =>
        readyTimes('3-node cluster, before', beforeOptions({ nodes: 3 }), 1, undefined, beforeCpu),
      )),
    )
  }
  results.cluster3_ready_p50_ms = Math.round(p50(ours))
  results.cluster3_start_p50_ms = Math.round(p50(oursStart))
  results.before_cluster3_ready_p50_ms = Math.round(p50(before))
  results.cluster3_jvm_cpu_per_node_at_ready_p50_ms = Math.round(p50(oursCpu))
  results.cluster3_shared_jvm_ready_p50_ms = Math.round(p50(shared))
  results.cluster3_shared_jvm_start_p50_ms = Math.round(p50(sharedStart))
  results.cluster3_shared_jvm_cpu_per_node_at_ready_p50_ms = Math.round(p50(sharedCpu))
  results.before_cluster3_jvm_cpu_per_node_at_ready_p50_ms = Math.round(p50(beforeCpu))
}

/**
 * Kills the leader of a partition whose leader is not the active controller (so no controller
 * election is mixed in) under an acks=all stream; resumeMs is from the kill to the first batch the
 * brokers acknowledged after it (-1: none). Restarts the broker and checks what was acknowledged.
 */
async function failoverResume(cluster: KafkaFixture, label: string) {
  const ftopic = await cluster.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
  const controller = await cluster.activeController()
  let leader = await cluster.partitionLeader(ftopic, 0)
  for (let p = 1; p < 3 && leader === controller; p++) leader = await cluster.partitionLeader(ftopic, p)
  const stream = new AckedStream(cluster, ftopic, 3)
  await stream.start()
  let killedAt = 0
  try {
    await stream.waitForMoreAcks(1_000)
    await cluster.killBroker(leader)
    killedAt = Date.now() // the JVM is gone
    await stream.waitForMoreAcks(1_000, 60_000)
    await cluster.restartBroker(leader)
    await stream.waitForMoreAcks(500, 60_000)
  } finally {
    await stream.stop()
  }
  await cluster.waitForTopic(ftopic, { fullIsr: true, timeoutMs: 60_000 })
  const check = await checkStream(cluster, stream, 60_000)
  const resumeMs = stream.firstAckAfter(killedAt) ?? -1
  log(
    `${label} failover (killed ${leader}, controller ${controller}): ${JSON.stringify(check, (k, v) => (k === 'seen' ? undefined : v))}, resume ${resumeMs} ms`,
  )
  return { resumeMs, check, acked: stream.ackedCount, leaderWasController: leader === controller }
}

async function cluster3() {
  // 3-node cluster: throughput with RF 3 / min ISR 2 / acks=all, leader failover
  const t0 = performance.now()
  const cluster = await startKafka({ nodes: 3 })
  results.cluster3_ready_ms = Math.round(performance.now() - t0)
  log(`3-node cluster ready: ${results.cluster3_ready_ms} ms`)
  try {
    const topic = await cluster.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
    const value = Buffer.alloc(1024, 'x')
    const chunk = 3_000
    // JIT warm-up (C1 only, see jvm.ts): 9k messages to another topic, not timed
    const warm = await cluster.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
    for (let i = 0; i < 3; i++) {
      await cluster.produce(
        warm,
        Array.from({ length: chunk }, (_, j) => ({ value, partition: j % 3 })),
      )
    }
    const tp = performance.now()
    // a few sends in flight (kafkajs still sends one request at a time per broker: order is kept)
    const inFlight = new Set<Promise<unknown>>()
    for (let sent = 0; sent < MESSAGES; sent += chunk) {
      const n = Math.min(chunk, MESSAGES - sent)
      const p = cluster.produce(
        topic,
        Array.from({ length: n }, (_, i) => ({ value, partition: (sent + i) % 3 })),
        { acks: -1, timeoutMs: 30_000 },
      )
      inFlight.add(p)
      p.finally(() => inFlight.delete(p)).catch(() => {})
      if (inFlight.size >= 3) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    const produceMs = performance.now() - tp
    results.produce_msgs_per_s = Math.round(MESSAGES / (produceMs / 1000))
    log(`produce ${MESSAGES} × 1 KB acks=all RF3: ${produceMs.toFixed(0)} ms`)
    const tc = performance.now()
    const got = await cluster.consume(topic, { count: MESSAGES, timeoutMs: 300_000 })
    const consumeMs = performance.now() - tc
    if (got.length !== MESSAGES) throw new Error(`consumed ${got.length}/${MESSAGES}`)
    results.consume_msgs_per_s = Math.round(MESSAGES / (consumeMs / 1000))
    log(`consume ${MESSAGES}: ${consumeMs.toFixed(0)} ms (includes the group join)`)

    const f = await failoverResume(cluster, 'ours')
    results.failover_lost_messages = f.check.lost
    results.failover_out_of_order = f.check.outOfOrder
    results.failover_duplicates = f.check.duplicates
    results.failover_acked_messages = f.acked
    results.failover_resume_ms = f.resumeMs
    results.failover_killed_leader_was_controller = f.leaderWasController ? 1 : 0
  } finally {
    await cluster.stop()
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)

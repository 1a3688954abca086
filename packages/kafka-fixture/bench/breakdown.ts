// Where a start's time goes: one instrumented start (JVM class-load and start-up logs to files, the
// broker's INFO log), cut into phases by the milestones below. For a cluster each milestone is the
// slowest node's (the cluster is ready when its last node is). Diagnostic only: INFO logging and the
// -Xlog files make this start slower than the timed ones.
import fs from 'node:fs'
import path from 'node:path'
import { createTempDir } from '@infra/fixture-core'
import type { ConsumerConfig } from 'kafkajs'
import type { ConfigValue } from '../src/broker/broker-config.js'
import { DEFAULT_KAFKA_VERSION } from '../src/broker/kafka-version.js'
import { startLocalCluster } from '../src/broker/local-cluster.js'
import { KafkaFixture } from '../src/kafka-fixture.js'

export interface BreakdownSetup {
  nodes: number
  java?: string
  jvmFlags?: string[]
  brokerConfig?: Record<string, ConfigValue>
  /** One JVM runs every node (`sharedJvm`). */
  sharedJvm?: boolean
  /** The round trip's consumer settings (the before path's fetch wait). */
  consumerConfig?: Partial<ConsumerConfig>
}

/** `HH:mm:ss,SSS` at the start of a broker log line (log4j-core `[…]` or SimpleLogger), as epoch ms. */
function lineTime(line: string, near: number): number | undefined {
  const m = /^\[?(\d\d):(\d\d):(\d\d),(\d\d\d)/.exec(line)
  if (!m) return undefined
  const d = new Date(near)
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]))
  let t = d.getTime()
  if (t < near - 12 * 3600_000) t += 24 * 3600_000 // past midnight
  return t
}

const MILESTONES = {
  raftStarted: /Completed transition to (UnattachedState|FollowerState|ResignedState)/,
  // the last one before registration: a first leader can lose a re-election to a late node
  raftLeaderKnown: /Completed transition to (Leader|FollowerState)\(/,
  registered: /Successfully registered broker/,
  unfenced: /The broker has been unfenced/,
} as const

/** Epoch ms of the first `[<ms>ms] <class> source:` line naming `cls` in a -Xlog:class+load file. */
function classLoadTimes(file: string, classes: string[]) {
  const text = fs.readFileSync(file, 'utf8')
  const lines = text.split('\n').filter(Boolean)
  const at = (l: string) => Number(/^\[(\d+)ms\]/.exec(l)?.[1])
  const found: Record<string, number> = {}
  for (const l of lines) {
    for (const c of classes) if (found[c] === undefined && l.includes(`] ${c} source:`)) found[c] = at(l)
  }
  return {
    first: at(lines[0]!),
    found,
    total: lines.length,
    shared: lines.filter((l) => l.includes('source: shared objects file')).length,
  }
}

/** One instrumented start + first round trip; returns `breakdown_<prefix>_*` keys (ms, counts). */
export async function startupBreakdown(
  prefix: string,
  setup: BreakdownSetup,
): Promise<Record<string, number>> {
  await using tmp = await createTempDir('kafka-breakdown')
  const xlog = [
    `-Xlog:class+load=info:file=${path.join(tmp.path, 'classes-%p.log')}:timemillis`,
    `-Xlog:startuptime=info:file=${path.join(tmp.path, 'startup-%p.log')}:timemillis`,
  ]
  const t0 = Date.now()
  const cluster = await startLocalCluster(
    {
      size: setup.nodes,
      version: DEFAULT_KAFKA_VERSION,
      heapMb: 512,
      java: setup.java,
      jvmFlags: setup.jvmFlags,
      brokerConfig: setup.brokerConfig,
      sharedJvm: setup.sharedJvm,
      startTimeoutMs: 90_000,
      logLevel: 'INFO',
    },
    xlog,
  )
  const ready = Date.now()
  const kafka = new KafkaFixture({
    provider: 'local',
    brokers: cluster.nodes.map((n) => `127.0.0.1:${n.brokerPort}`),
    version: cluster.version,
    topicPrefix: 'breakdown-',
    cluster,
    deleteOwnTopics: false,
  })
  let roundTrip = 0
  try {
    kafka.warmUp()
    const topic = await kafka.createTopic()
    await kafka.produce(topic, 'ping')
    await kafka.consume(topic, { count: 1, timeoutMs: 30_000, consumerConfig: setup.consumerConfig })
    roundTrip = Date.now()
  } finally {
    await kafka.stop()
  }
  const perNode = cluster.nodes.map((n) => {
    const pid = n.process.pid!
    const cl = classLoadTimes(path.join(tmp.path, `classes-${pid}.log`), [
      'kafka.Kafka',
      'kafka.server.KafkaConfig',
    ])
    const startup = fs.readFileSync(path.join(tmp.path, `startup-${pid}.log`), 'utf8')
    const vmCreated = Number(/^\[(\d+)ms\].*Create VM/m.exec(startup)?.[1] ?? Number.NaN)
    // a shared JVM's log has every node's lines: a node's name its raft client and lifecycle manager (`id=<n>]`)
    const logs = n.sharedJvm
      ? n.process.logs().filter((l) => l.includes(`id=${n.nodeId}]`))
      : n.process.logs()
    const registeredAt = logs.findIndex((l) => MILESTONES.registered.test(l))
    const milestone = (re: RegExp, last = false) => {
      const upTo = registeredAt < 0 ? logs : logs.slice(0, registeredAt)
      const line = last ? upTo.findLast((l) => re.test(l)) : logs.find((l) => re.test(l))
      return line ? lineTime(line, t0) : undefined
    }
    return {
      jvmFirstClass: cl.first,
      vmCreated,
      mainLoaded: cl.found['kafka.Kafka'] ?? Number.NaN,
      configLoaded: cl.found['kafka.server.KafkaConfig'] ?? Number.NaN,
      raftStarted: milestone(MILESTONES.raftStarted) ?? Number.NaN,
      raftLeaderKnown: milestone(MILESTONES.raftLeaderKnown, true) ?? Number.NaN,
      registered: milestone(MILESTONES.registered) ?? Number.NaN,
      unfenced: milestone(MILESTONES.unfenced) ?? Number.NaN,
      classes: cl.total,
      shared: cl.shared,
    }
  })
  const last = (k: keyof (typeof perNode)[number]) => Math.max(...perNode.map((p) => p[k]))
  const phase = (from: number, to: number) => Math.round(to - from)
  const b = `breakdown_${prefix}`
  return {
    // node side: Java/jars/storage/archive lookups, temp dir, ports, spawn (until the JVM's first class)
    [`${b}_fixture_prep_ms`]: phase(t0, last('jvmFirstClass')),
    // JVM creation (-Xlog:startuptime "Create VM") and the launcher up to kafka.Kafka
    [`${b}_jvm_start_ms`]: phase(last('jvmFirstClass'), last('mainLoaded')),
    // logging set-up and reading server.properties, up to the KafkaConfig class
    [`${b}_logging_and_config_ms`]: phase(last('mainLoaded'), last('configLoaded')),
    // JVM start to the raft client's first state: the three phases above and below in one (on Java 25 the
    // AOT cache loads kafka.Kafka and KafkaConfig at JVM start, so those two class milestones come early)
    [`${b}_jvm_to_raft_started_ms`]: phase(last('jvmFirstClass'), last('raftStarted')),
    // controller + shared server construction (sockets, metadata log), up to the raft client's first state
    [`${b}_server_init_ms`]: phase(last('configLoaded'), last('raftStarted')),
    // KRaft: until the node is or knows the quorum leader (a multi-node quorum's first election)
    [`${b}_kraft_election_ms`]: phase(last('raftStarted'), last('raftLeaderKnown')),
    // broker start-up and registration with the active controller
    [`${b}_broker_registration_ms`]: phase(last('raftLeaderKnown'), last('registered')),
    // catching up with the metadata log and being unfenced
    [`${b}_unfence_ms`]: phase(last('registered'), last('unfenced')),
    // the fixture's readiness probe (Metadata lists every node) after the last unfence
    [`${b}_ready_probe_ms`]: phase(last('unfenced'), ready),
    [`${b}_ready_ms`]: phase(t0, ready),
    // topic, produce, consumer group join, consume
    [`${b}_first_round_trip_ms`]: phase(ready, roundTrip),
    [`${b}_jvm_create_vm_ms`]: phase(last('jvmFirstClass'), last('vmCreated')),
    [`${b}_classes_loaded`]: last('classes'),
    [`${b}_classes_from_cds`]: Math.min(...perNode.map((p) => p.shared)),
  }
}

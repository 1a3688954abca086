/**
 * A few raw Kafka protocol requests the fixture needs and kafkajs lacks or makes expensive:
 * Metadata (readiness: is this broker unfenced, does it know every partition leader) and
 * DescribeQuorum (the KRaft active controller). One short-lived connection per call.
 */

import { Reader, Writer } from './kafka-wire-codec.js'
import { frame, roundTrip, type WireOptions } from './kafka-wire-round-trip.js'

export type { WireOptions } from './kafka-wire-round-trip.js'

const API_METADATA = 3
const API_FIND_COORDINATOR = 10
const API_INIT_PRODUCER_ID = 22
const API_API_VERSIONS = 18
const API_DESCRIBE_QUORUM = 55
const CLIENT_ID = 'infra-kafka-fixture'

export interface WireBroker {
  nodeId: number
  host: string
  port: number
}

export interface WirePartition {
  errorCode: number
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

export interface WireTopic {
  errorCode: number
  name: string
  partitions: WirePartition[]
}

export interface WireMetadata {
  brokers: WireBroker[]
  clusterId: string | null
  controllerId: number
  topics: WireTopic[]
}

export interface WireQuorum {
  errorCode: number
  leaderId: number
  leaderEpoch: number
  highWatermark: bigint
  voters: number[]
}

/** Metadata v4 (the oldest version Kafka 4.x still serves; kafkajs uses up to v6). */
export async function fetchMetadata(
  host: string,
  port: number,
  topics: readonly string[] | null,
  opts: WireOptions = {},
): Promise<WireMetadata> {
  const header = new Writer().int16(API_METADATA).int16(4).int32(1).string(CLIENT_ID).toBuffer()
  const body = new Writer()
  if (topics === null) body.int32(-1)
  else {
    body.int32(topics.length)
    for (const t of topics) body.string(t)
  }
  body.bool(false) // allow_auto_topic_creation
  const r = new Reader(await roundTrip(host, port, frame(header, body.toBuffer()), opts))
  r.int32() // throttle_time_ms
  const brokers = r.array(() => {
    const nodeId = r.int32()
    const bhost = r.string()
    const bport = r.int32()
    r.nullableString() // rack
    return { nodeId, host: bhost, port: bport }
  })
  const clusterId = r.nullableString()
  const controllerId = r.int32()
  const topicList = r.array(() => {
    const errorCode = r.int16()
    const name = r.string()
    r.int8() // is_internal
    const partitions = r.array(() => {
      const pErr = r.int16()
      const partition = r.int32()
      const leader = r.int32()
      const replicas = r.array(() => r.int32())
      const isr = r.array(() => r.int32())
      return { errorCode: pErr, partition, leader, replicas, isr }
    })
    return { errorCode, name, partitions }
  })
  return { brokers, clusterId, controllerId, topics: topicList }
}

/**
 * DescribeQuorum v0 for `__cluster_metadata`: the KRaft leader is the active controller. Works
 * against a broker listener (the broker forwards it to the controller) and a controller listener.
 */
export async function describeQuorum(
  host: string,
  port: number,
  opts: WireOptions = {},
): Promise<WireQuorum> {
  // request header v2: api key, version, correlation id, client id (classic string), tagged fields
  const header = new Writer()
    .int16(API_DESCRIBE_QUORUM)
    .int16(0)
    .int32(1)
    .string(CLIENT_ID)
    .uvarint(0)
    .toBuffer()
  const body = new Writer()
    .uvarint(2) // topics: 1
    .compactString('__cluster_metadata')
    .uvarint(2) // partitions: 1
    .int32(0)
    .uvarint(0) // partition tagged fields
    .uvarint(0) // topic tagged fields
    .uvarint(0) // request tagged fields
    .toBuffer()
  const r = new Reader(await roundTrip(host, port, frame(header, body), opts))
  r.skipTaggedFields() // response header v1
  const topLevelError = r.int16()
  const topics = r.compactArray(() => {
    r.compactNullableString() // topic name
    const partitions = r.compactArray(() => {
      r.int32() // partition index
      const errorCode = r.int16()
      const leaderId = r.int32()
      const leaderEpoch = r.int32()
      const highWatermark = r.int64()
      const voters = r.compactArray(() => {
        const id = r.int32()
        r.int64() // log end offset
        r.skipTaggedFields()
        return id
      })
      r.compactArray(() => {
        r.int32()
        r.int64()
        r.skipTaggedFields()
        return 0
      })
      r.skipTaggedFields()
      return { errorCode, leaderId, leaderEpoch, highWatermark, voters }
    })
    r.skipTaggedFields()
    return partitions
  })
  const p = topics[0]?.[0]
  if (topLevelError !== 0 || !p) {
    return { errorCode: topLevelError || -1, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, voters: [] }
  }
  return p
}

/**
 * FindCoordinator v1 for a consumer group; returns the error code (15 = coordinator not available
 * yet). Asking makes the broker create `__consumer_offsets`, which is how the fixture warms it.
 */
export async function findGroupCoordinator(
  host: string,
  port: number,
  groupId: string,
  opts: WireOptions = {},
): Promise<{ errorCode: number; nodeId: number }> {
  const { errorCode, nodeId } = await findCoordinator(host, port, groupId, 'group', opts)
  return { errorCode, nodeId }
}

export interface WireCoordinator {
  /** 0, or e.g. 15 COORDINATOR_NOT_AVAILABLE while the internal topic is being created. */
  errorCode: number
  nodeId: number
  host: string
  port: number
}

/**
 * FindCoordinator v1 for a consumer group or a transactional id. Asking makes the broker create the
 * internal topic (`__consumer_offsets` / `__transaction_state`) on first use.
 */
export async function findCoordinator(
  host: string,
  port: number,
  key: string,
  keyType: 'group' | 'transaction',
  opts: WireOptions = {},
): Promise<WireCoordinator> {
  const header = new Writer().int16(API_FIND_COORDINATOR).int16(1).int32(1).string(CLIENT_ID).toBuffer()
  const body = new Writer()
    .string(key)
    .int8(keyType === 'group' ? 0 : 1)
    .toBuffer()
  const r = new Reader(await roundTrip(host, port, frame(header, body), opts))
  r.int32() // throttle_time_ms
  const errorCode = r.int16()
  r.nullableString() // error_message
  const nodeId = r.int32()
  const chost = r.string()
  const cport = r.int32()
  return { errorCode, nodeId, host: chost, port: cport }
}

/**
 * InitProducerId v1 for a transactional id, sent to its transaction coordinator; returns the error code
 * (0 once the coordinator has loaded the id's `__transaction_state` partition and fenced older epochs).
 */
export function initTransactionalProducer(
  host: string,
  port: number,
  transactionalId: string,
  opts: WireOptions = {},
): Promise<{ errorCode: number; producerId: bigint }> {
  return initProducerId(host, port, transactionalId, opts)
}

/**
 * InitProducerId v1: with a null id, what an idempotent producer asks any broker for. A broker hands out
 * ids from a block it gets from the controller on first demand, answering a retriable error (e.g. 14
 * COORDINATOR_LOAD_IN_PROGRESS) until the block arrives.
 */
export async function initProducerId(
  host: string,
  port: number,
  transactionalId: string | null,
  opts: WireOptions = {},
): Promise<{ errorCode: number; producerId: bigint }> {
  const header = new Writer().int16(API_INIT_PRODUCER_ID).int16(1).int32(1).string(CLIENT_ID).toBuffer()
  const body = new Writer().nullableString(transactionalId).int32(60_000).toBuffer()
  const r = new Reader(await roundTrip(host, port, frame(header, body), opts))
  r.int32() // throttle_time_ms
  const errorCode = r.int16()
  const producerId = r.int64()
  return { errorCode, producerId }
}

/** One API a broker serves, with the range of versions it accepts. */
export interface WireApiVersion {
  apiKey: number
  minVersion: number
  maxVersion: number
}

/**
 * ApiVersions v0 (every broker version answers it): the API keys and version ranges the broker serves,
 * which tell Kafka releases apart (4.0 removed Fetch v0–v3, KIP-896).
 */
export async function fetchApiVersions(
  host: string,
  port: number,
  opts: WireOptions = {},
): Promise<{ errorCode: number; apis: WireApiVersion[] }> {
  const header = new Writer().int16(API_API_VERSIONS).int16(0).int32(1).string(CLIENT_ID).toBuffer()
  const r = new Reader(await roundTrip(host, port, frame(header, Buffer.alloc(0)), opts))
  const errorCode = r.int16()
  const apis = r.array(() => ({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() }))
  return { errorCode, apis }
}

/** Splits `host:port` at its last colon. */
export function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':')
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) }
}

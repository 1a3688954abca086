import net from 'node:net'

/**
 * A few raw Kafka protocol requests the fixture needs and kafkajs lacks or makes expensive:
 * Metadata (readiness: is this broker unfenced, does it know every partition leader) and
 * DescribeQuorum (the KRaft active controller). One short-lived connection per call.
 */

const API_METADATA = 3
const API_FIND_COORDINATOR = 10
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

class Writer {
  private parts: Buffer[] = []
  int8(v: number): this {
    const b = Buffer.alloc(1)
    b.writeInt8(v)
    this.parts.push(b)
    return this
  }
  int16(v: number): this {
    const b = Buffer.alloc(2)
    b.writeInt16BE(v)
    this.parts.push(b)
    return this
  }
  int32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeInt32BE(v)
    this.parts.push(b)
    return this
  }
  uvarint(v: number): this {
    const bytes: number[] = []
    let n = v >>> 0
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    bytes.push(n)
    this.parts.push(Buffer.from(bytes))
    return this
  }
  /** Classic (non-flexible) string: int16 length + bytes. */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8')
    this.int16(b.length)
    this.parts.push(b)
    return this
  }
  /** Flexible string: uvarint(length + 1) + bytes. */
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8')
    this.uvarint(b.length + 1)
    this.parts.push(b)
    return this
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0)
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts)
  }
}

export class Reader {
  private off = 0
  constructor(private readonly buf: Buffer) {}
  int8(): number {
    const v = this.buf.readInt8(this.off)
    this.off += 1
    return v
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.off)
    this.off += 2
    return v
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.off)
    this.off += 4
    return v
  }
  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.off)
    this.off += 8
    return v
  }
  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = this.buf.readUInt8(this.off++)
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
      shift += 7
      if (shift > 28) throw new Error('malformed varint')
    }
  }
  nullableString(): string | null {
    const len = this.int16()
    if (len < 0) return null
    const s = this.buf.toString('utf8', this.off, this.off + len)
    this.off += len
    return s
  }
  string(): string {
    return this.nullableString() ?? ''
  }
  compactNullableString(): string | null {
    const len = this.uvarint() - 1
    if (len < 0) return null
    const s = this.buf.toString('utf8', this.off, this.off + len)
    this.off += len
    return s
  }
  array<T>(item: () => T): T[] {
    const n = this.int32()
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(item())
    return out
  }
  compactArray<T>(item: () => T): T[] {
    const n = this.uvarint() - 1
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(item())
    return out
  }
  skipTaggedFields(): void {
    const n = this.uvarint()
    for (let i = 0; i < n; i++) {
      this.uvarint() // tag
      const size = this.uvarint()
      this.off += size
    }
  }
}

export interface WireOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

/** Sends one request frame and resolves with the response body (after the correlation id). */
function roundTrip(host: string, port: number, frame: Buffer, opts: WireOptions): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 2_000
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let chunks: Buffer[] = []
    let received = 0
    let settled = false
    const finish = (err: Error | undefined, body?: Buffer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      if (err) reject(err)
      else resolve(body!)
    }
    const onAbort = () => finish(new Error(`request to ${host}:${port} aborted`))
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    )
    timer.unref?.()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    socket.setNoDelay(true)
    socket.once('error', (err) => finish(err))
    socket.once('close', () => finish(new Error(`${host}:${port} closed the connection`)))
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (received < 4) return
      const all = Buffer.concat(chunks)
      chunks = [all]
      const size = all.readInt32BE(0)
      if (all.length < 4 + size) return
      // skip the correlation id: one request per connection
      finish(undefined, all.subarray(8, 4 + size))
    })
    socket.once('connect', () => socket.write(frame))
  })
}

function frame(header: Buffer, body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length)
  return Buffer.concat([size, header, body])
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
  const header = new Writer().int16(API_FIND_COORDINATOR).int16(1).int32(1).string(CLIENT_ID).toBuffer()
  const body = new Writer().string(groupId).int8(0).toBuffer()
  const r = new Reader(await roundTrip(host, port, frame(header, body), opts))
  r.int32() // throttle_time_ms
  const errorCode = r.int16()
  r.nullableString() // error_message
  const nodeId = r.int32()
  return { errorCode, nodeId }
}

import {
  check,
  checkOptions,
  InvalidOptionsError,
  type OptionSchema,
  WaitTimeoutError,
} from '@infra/fixture-core'
import type { WsClient } from '../client/client.js'
import type { WsClientGroup } from '../client/many.js'
import type { CloseInfo } from '../errors.js'

/** Summary of latency samples in ms. */
export interface LatencyStats {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** Nearest-rank percentile of already sorted samples. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** min/mean/p50/p90/p99/max of `samples` (ms). */
export function summarize(samples: ArrayLike<number>): LatencyStats {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const s of sorted) sum += s
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

export interface BroadcastMeasurement extends LatencyStats {
  /** Every delivery latency (ms), round by round, client by client. */
  samples: Float64Array
  rounds: number
  clients: number
  /** Per round: time until the last client had the message. */
  roundCompletion: LatencyStats
}

export interface MeasureBroadcastOptions {
  /** Measured rounds. Default 100. */
  rounds?: number
  /** Unmeasured rounds first (JIT, buffers). Default 3. */
  warmup?: number
  /** Limit for one round (ms). Default 10 000. */
  roundTimeoutMs?: number
}

const BROADCAST_OPTIONS: OptionSchema<MeasureBroadcastOptions> = {
  rounds: check.any(), // checked below with the count in the message
  warmup: check.int(0),
  roundTimeoutMs: check.ms(),
}

function closedError(what: string, info: CloseInfo): Error {
  return new Error(`${what}: a client closed (code ${info.code}${info.reason ? ` "${info.reason}"` : ''})`)
}

/**
 * Broadcast latency: each round records the time, calls `trigger(round)` (which must cause exactly one
 * message to reach every client — a server broadcast, or one client publishing), and waits for every
 * client's next message. Latency = arrival time (taken in the socket's message event) − trigger time.
 * Uses the clients' inboxes without per-message timers or promises, so the harness adds little to what it
 * measures.
 */
export async function measureBroadcast(
  group: WsClientGroup | readonly WsClient[],
  trigger: (round: number) => unknown,
  opts: MeasureBroadcastOptions = {},
): Promise<BroadcastMeasurement> {
  checkOptions('measureBroadcast()', opts, BROADCAST_OPTIONS)
  const clients = 'clients' in group ? group.clients : group
  const rounds = opts.rounds ?? 100
  const warmup = opts.warmup ?? 3
  const roundTimeoutMs = opts.roundTimeoutMs ?? 10_000
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new InvalidOptionsError('rounds', `expected an integer >= 1, got ${rounds}`)
  }
  const n = clients.length
  const busy = clients.findIndex((c) => c.pending.length > 0)
  if (busy >= 0) {
    throw new InvalidOptionsError(
      'group',
      `client #${busy} has ${clients[busy]!.pending.length} unconsumed message(s); drain() the clients first`,
    )
  }
  const samples = new Float64Array(rounds * n)
  const completion = new Float64Array(rounds)
  for (let r = -warmup; r < rounds; r++) {
    const what = `round ${r} of a broadcast to ${n} clients`
    const base = r * n
    let got = 0
    let last = 0
    let settled = false
    await new Promise<void>((res, rej) => {
      const resolve = () => {
        settled = true
        res()
      }
      const reject = (err: unknown) => {
        settled = true
        rej(err)
      }
      let t0 = 0
      const timer = setTimeout(() => {
        for (const c of clients) c._cancelNext()
        reject(new WaitTimeoutError(what, roundTimeoutMs, { detail: `${got} of ${n} clients received it.` }))
      }, roundTimeoutMs)
      const fail = (info: CloseInfo) => {
        clearTimeout(timer)
        for (const c of clients) c._cancelNext()
        reject(closedError(what, info))
      }
      const arrived = (i: number, at: number) => {
        const d = at - t0
        if (r >= 0) samples[base + i] = d
        if (d > last) last = d
        if (++got === n) {
          clearTimeout(timer)
          resolve()
        }
      }
      const failTrigger = (err: unknown) => {
        clearTimeout(timer)
        for (const c of clients) c._cancelNext()
        reject(err)
      }
      // Arrival times are stamped when a message lands, so registering after the trigger loses nothing.
      t0 = performance.now()
      try {
        const out = trigger(Math.max(r, 0)) as Promise<unknown> | undefined
        if (out && typeof out.then === 'function') out.then(undefined, failTrigger)
      } catch (err) {
        failTrigger(err)
        return
      }
      for (let i = 0; i < n && !settled; i++) clients[i]!._onNext((m) => arrived(i, m.receivedAt), fail)
    })
    if (r >= 0) completion[r] = last
  }
  return { ...summarize(samples), samples, rounds, clients: n, roundCompletion: summarize(completion) }
}

export interface RoundtripMeasurement {
  messages: number
  elapsedMs: number
  msgsPerSec: number
  /** Send → echo latency per message (ms). */
  latency: LatencyStats
}

export interface MeasureRoundtripOptions {
  /** Messages to send. Default 10 000. */
  messages?: number
  /** What to send (a string, bytes, or a function of the index). Default: a 32-byte string. */
  payload?: string | Buffer | ((index: number) => string | Buffer)
  /** Messages in flight at once. Default 1 (strict ping-pong). */
  window?: number
  /** Limit for the whole run (ms). Default 120 000. */
  timeoutMs?: number
}

const ROUNDTRIP_OPTIONS: OptionSchema<MeasureRoundtripOptions> = {
  messages: check.any(), // checked below
  payload: check.any(), // a string, bytes or a function
  window: check.any(), // checked below
  timeoutMs: check.ms(),
}

/**
 * Round-trip throughput against an echoing endpoint: sends `messages` messages through `client`, keeping
 * `window` in flight, and expects one reply per message, in order.
 */
export async function measureRoundtrip(
  client: WsClient,
  opts: MeasureRoundtripOptions = {},
): Promise<RoundtripMeasurement> {
  checkOptions('measureRoundtrip()', opts, ROUNDTRIP_OPTIONS)
  const n = opts.messages ?? 10_000
  const window = opts.window ?? 1
  const timeoutMs = opts.timeoutMs ?? 120_000
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidOptionsError('messages', `expected an integer >= 1, got ${n}`)
  if (!Number.isInteger(window) || window < 1) {
    throw new InvalidOptionsError('window', `expected an integer >= 1, got ${window}`)
  }
  const p = opts.payload ?? 'x'.repeat(32)
  const payload = typeof p === 'function' ? p : () => p
  const sentAt = new Float64Array(n)
  const latency = new Float64Array(n)
  let sent = 0
  let received = 0
  const what = `${n} echoes on ${client.url}`
  const start = performance.now()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client._cancelNext()
      reject(new WaitTimeoutError(what, timeoutMs, { detail: `${received} of ${n} replies arrived.` }))
    }, timeoutMs)
    const fail = (info: CloseInfo) => {
      clearTimeout(timer)
      reject(closedError(what, info))
    }
    const sendOne = () => {
      sentAt[sent] = performance.now()
      client.send(payload(sent++))
    }
    const onReply = (m: { receivedAt: number }) => {
      latency[received] = m.receivedAt - sentAt[received]!
      received++
      if (sent < n) sendOne()
      if (received === n) {
        clearTimeout(timer)
        resolve()
      } else client._onNext(onReply, fail)
    }
    try {
      while (sent < n && sent < window) sendOne()
    } catch (err) {
      clearTimeout(timer)
      reject(err)
      return
    }
    client._onNext(onReply, fail)
  })
  const elapsedMs = performance.now() - start
  return { messages: n, elapsedMs, msgsPerSec: (n / elapsedMs) * 1000, latency: summarize(latency) }
}

// Module 3 — analytics: metric events in a real ClickHouse (a database of each test's own, the tables and
// the per-minute materialized view migrated into it), streamed to real WebSocket clients (ws-harness) as
// they arrive, with a z-score anomaly detector flagging an injected spike.
import type { ClickHouseDatabase } from '@infra/clickhouse-fixture'
import { describe, expect } from 'vitest'
import { detectAnomalies, EventStore, type MetricEvent, MetricsHub } from '../src/index.js'
import { test } from './support/fixtures.js'

const T0 = Date.parse('2026-03-01T12:00:00Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)

/** `count` latency events, one per `every` seconds from `start`, values 100 ± 2 (deterministic). */
function steady(service: string, count: number, start = 0, every = 1): MetricEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    at: at(start + i * every),
    service,
    metric: 'latency_ms',
    value: 100 + ((i * 7) % 5) - 2,
  }))
}

async function withHub(clickhouse: ClickHouseDatabase, work: (hub: MetricsHub) => Promise<void>) {
  const hub = await MetricsHub.start(new EventStore(clickhouse.client()))
  try {
    await work(hub)
  } finally {
    await hub.stop()
  }
}

describe('time series and rollups', () => {
  test('counts and sums per minute and per 10 seconds over a time range', async ({ clickhouse }) => {
    const store = new EventStore(clickhouse.client())
    // 3 minutes, one event every 5 s (12 per minute), plus another metric that must not leak in
    await store.insert([
      ...steady('api', 36, 0, 5),
      { at: at(10), service: 'api', metric: 'errors', value: 1 },
    ])
    const perMinute = await store.series('latency_ms', 60, at(0), at(180))
    expect(perMinute.map((b) => b.start)).toEqual([
      '2026-03-01 12:00:00',
      '2026-03-01 12:01:00',
      '2026-03-01 12:02:00',
    ])
    expect(perMinute.map((b) => b.events)).toEqual([12, 12, 12])
    const tenSeconds = await store.series('latency_ms', 10, at(60), at(90))
    expect(tenSeconds.map((b) => b.events)).toEqual([2, 2, 2])
    const whole = steady('api', 36, 0, 5).reduce((s, e) => s + e.value, 0)
    expect(perMinute.reduce((s, b) => s + b.total, 0)).toBeCloseTo(whole, 6)
  })

  test('the materialized per-minute rollup agrees with the raw events across services', async ({
    clickhouse,
  }) => {
    const store = new EventStore(clickhouse.client())
    await store.insert(steady('api', 120, 0, 1))
    await store.insert(steady('worker', 60, 30, 2)) // a second insert: the view adds, it does not replace
    const rollup = await store.rollupPerMinute('latency_ms')
    const raw = await store.series('latency_ms', 60, at(0), at(600))
    expect(rollup).toEqual(raw)
    expect(rollup.map((b) => b.events)).toEqual([60 + 15, 60 + 30, 15])
    const [api, worker] = await store.percentiles('latency_ms')
    expect(api).toMatchObject({ service: 'api', max: 102 })
    expect(api!.p50).toBeGreaterThanOrEqual(98)
    expect(worker!.p99).toBeLessThanOrEqual(102)
  })
})

describe('real-time streaming', () => {
  test('every client receives each event as it is ingested, after it is stored', async ({
    clickhouse,
    connect,
  }) => {
    await withHub(clickhouse, async (hub) => {
      const a = await connect(hub.url)
      const b = await connect(hub.url)
      for (const event of steady('api', 5)) {
        await hub.ingest([event])
        const expected = { type: 'metric', service: 'api', value: event.value, at: event.at.toISOString() }
        await a.expectJson(expected, { timeoutMs: 10_000 })
        await b.expectJson(expected, { timeoutMs: 10_000 })
      }
      const stored = await clickhouse.query<{ n: string }>('SELECT count() AS n FROM events')
      expect(Number(stored[0]!.n)).toBe(5)
      await a.expectNoMessage(200)
    })
  })

  test('a client that connects later only gets what arrives after it connected', async ({
    clickhouse,
    connect,
  }) => {
    await withHub(clickhouse, async (hub) => {
      const early = await connect(hub.url)
      await hub.ingest(steady('api', 3))
      const late = await connect(hub.url)
      await hub.ingest([{ at: at(99), service: 'api', metric: 'latency_ms', value: 101 }])
      await late.expectJson({ type: 'metric', value: 101 }, { timeoutMs: 10_000 })
      for (let i = 0; i < 4; i++) await early.expectJson({ type: 'metric' }, { timeoutMs: 10_000 })
      await late.expectNoMessage(200)
    })
  })
})

describe('anomaly detection', () => {
  test('an injected latency spike is pushed as an anomaly, and only the spike', async ({
    clickhouse,
    connect,
  }) => {
    await withHub(clickhouse, async (hub) => {
      const client = await connect(hub.url)
      const anomalies = client.filter({ type: 'anomaly' })
      const events = steady('api', 30)
      events[20] = { ...events[20]!, value: 900 }
      // the other service's normal values never count toward api's window
      await hub.ingest([...events, ...steady('worker', 12, 0, 1).map((e) => ({ ...e, value: 900 }))])
      const spike = await anomalies.expectJson(
        { type: 'anomaly', service: 'api', value: 900 },
        { timeoutMs: 10_000 },
      )
      expect(spike.zScore).toBeGreaterThan(3)
      expect(spike.at).toBe(at(20).toISOString())
      await anomalies.expectNoMessage(300)
    })
  })

  test('a z-score over the ClickHouse 10-second series flags the bucket with the spike', async ({
    clickhouse,
  }) => {
    const store = new EventStore(clickhouse.client())
    const events = steady('api', 300) // 5 minutes, one per second
    for (let s = 200; s < 205; s++) events[s] = { ...events[s]!, value: 2_000 } // a 5-second incident
    await store.insert(events)
    const buckets = await store.series('latency_ms', 10, at(0), at(300))
    expect(buckets).toHaveLength(30)
    const flagged = detectAnomalies(
      buckets.map((b) => b.total / b.events),
      10,
      3,
    )
    expect(flagged.map((a) => buckets[a.index]!.start)).toEqual(['2026-03-01 12:03:20'])
  })
})

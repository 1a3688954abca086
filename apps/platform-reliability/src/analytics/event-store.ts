import type { ClickHouseClient } from '@clickhouse/client'

export interface MetricEvent {
  /** When it happened (stored to the second). */
  at: Date
  service: string
  metric: string
  value: number
}

export interface Bucket {
  /** The bucket's start as ClickHouse prints it ('YYYY-MM-DD hh:mm:ss'). */
  start: string
  events: number
  total: number
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC, the DateTime text ClickHouse 18 parses. */
export function toDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ')
}

/** A ClickHouse string literal (ClickHouse 18 has no query parameters). */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** Metric events in ClickHouse (`events`), with the per-minute rollup its materialized view keeps. */
export class EventStore {
  constructor(readonly client: ClickHouseClient) {}

  async insert(events: readonly MetricEvent[]): Promise<void> {
    if (events.length === 0) return
    await this.client.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: events.map((e) => ({
        ts: toDateTime(e.at),
        service: e.service,
        metric: e.metric,
        value: e.value,
      })),
    })
  }

  /** Count and sum of `metric` per `seconds`-long bucket over the raw events, in time order. */
  series(metric: string, seconds: number, from: Date, to: Date): Promise<Bucket[]> {
    return this.#rows(
      `SELECT toString(toDateTime(intDiv(toUInt32(ts), ${Math.trunc(seconds)}) * ${Math.trunc(seconds)})) AS start,
              count() AS events, sum(value) AS total
         FROM events WHERE metric = ${quote(metric)} AND ts >= ${quote(toDateTime(from))} AND ts < ${quote(toDateTime(to))}
         GROUP BY start ORDER BY start`,
    )
  }

  /** The per-minute rollup (materialized view), summed per minute across services. */
  rollupPerMinute(metric: string): Promise<Bucket[]> {
    return this.#rows(
      `SELECT toString(minute) AS start, sum(events) AS events, sum(total) AS total
         FROM events_per_minute WHERE metric = ${quote(metric)} GROUP BY minute ORDER BY minute`,
    )
  }

  /** p50/p99 and max of `metric` per service. */
  async percentiles(
    metric: string,
  ): Promise<Array<{ service: string; p50: number; p99: number; max: number }>> {
    const rows = await this.client.query({
      query: `SELECT service, quantileExact(0.5)(value) AS p50, quantileExact(0.99)(value) AS p99, max(value) AS max
                FROM events WHERE metric = ${quote(metric)} GROUP BY service ORDER BY service`,
      format: 'JSONEachRow',
    })
    const out = await rows.json<{ service: string; p50: number; p99: number; max: number }>()
    return out.map((r) => ({
      service: r.service,
      p50: Number(r.p50),
      p99: Number(r.p99),
      max: Number(r.max),
    }))
  }

  async #rows(query: string): Promise<Bucket[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' })
    const rows = await result.json<{ start: string; events: string | number; total: number }>()
    return rows.map((r) => ({ start: r.start, events: Number(r.events), total: Number(r.total) }))
  }
}

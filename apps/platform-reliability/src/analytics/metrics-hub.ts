import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { zScore } from './anomaly.js'
import type { EventStore, MetricEvent } from './event-store.js'

export interface MetricsHubOptions {
  /** Values of each metric kept to score the next one. Default 10. */
  windowSize?: number
  /** |z| above which a value is an anomaly. Default 3. */
  threshold?: number
}

/** What clients receive: one `metric` per ingested event, plus an `anomaly` when it is one. */
export type MetricsMessage =
  | { type: 'metric'; service: string; metric: string; value: number; at: string }
  | { type: 'anomaly'; service: string; metric: string; value: number; zScore: number; at: string }

/**
 * Real-time metrics: `ingest` stores events in ClickHouse, then pushes each to every WebSocket client and
 * scores it against the last `windowSize` values of its metric (per service): a spike is pushed as `anomaly`.
 */
export class MetricsHub {
  readonly #wss: WebSocketServer
  readonly #windows = new Map<string, number[]>()
  readonly #opts: Required<MetricsHubOptions>

  private constructor(
    readonly store: EventStore,
    wss: WebSocketServer,
    options: MetricsHubOptions,
  ) {
    this.#wss = wss
    this.#opts = { windowSize: 10, threshold: 3, ...options }
  }

  static async start(store: EventStore, options: MetricsHubOptions = {}): Promise<MetricsHub> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve)
      wss.once('error', reject)
    })
    return new MetricsHub(store, wss, options)
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`
  }

  async ingest(events: readonly MetricEvent[]): Promise<void> {
    await this.store.insert(events)
    for (const e of events) {
      const at = e.at.toISOString()
      this.#broadcast({ type: 'metric', service: e.service, metric: e.metric, value: e.value, at })
      const key = `${e.service}\u0000${e.metric}`
      const window = this.#windows.get(key) ?? []
      if (window.length >= this.#opts.windowSize) {
        const z = zScore(window, e.value)
        if (Math.abs(z) > this.#opts.threshold) {
          this.#broadcast({
            type: 'anomaly',
            service: e.service,
            metric: e.metric,
            value: e.value,
            zScore: z,
            at,
          })
        }
      }
      window.push(e.value)
      if (window.length > this.#opts.windowSize) window.shift()
      this.#windows.set(key, window)
    }
  }

  async stop(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate()
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()))
  }

  #broadcast(message: MetricsMessage): void {
    const data = JSON.stringify(message)
    for (const client of this.#wss.clients) if (client.readyState === client.OPEN) client.send(data)
  }
}

// Jaeger (v1.76.0 `cmd/jaeger`: OTLP receiver, in-memory store, query API) for the tracing suite, built
// into the fixtures cache by tooling/jaeger/build-server.sh (run by tooling/bootstrap.sh). Bound to
// 127.0.0.1 on ephemeral ports through its config; started with @infra/fixture-core's process plumbing
// (own process group, readiness probe racing exit, watchdog, stop → SIGKILL).
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { cacheRoot, createTempDir, startService, withPortsRetry } from '@infra/fixture-core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'

export const JAEGER_VERSION = '1.76.0'

export interface JaegerSpan {
  traceID: string
  spanID: string
  operationName: string
  references: Array<{ refType: string; spanID: string; traceID: string }>
  processID: string
  tags: Array<{ key: string; value: unknown }>
}

export interface JaegerTrace {
  traceID: string
  spans: JaegerSpan[]
  processes: Record<string, { serviceName: string }>
}

export interface Jaeger {
  /** OTLP/HTTP traces endpoint. */
  otlpUrl: string
  queryUrl: string
  /** A new exporter to this backend (OTLP/HTTP), one per service. */
  exporter(): SpanExporter
  /** GET /api/traces/{id}; undefined while Jaeger does not know it yet. */
  trace(traceId: string): Promise<JaegerTrace | undefined>
  /** GET /api/traces?service=…&tags=… (the last hour). */
  find(service: string, tags: Record<string, string>): Promise<JaegerTrace[]>
  stop(): Promise<void>
}

/** The binary: $JAEGER_BIN, else the cache. Missing → an error saying how to build it (nothing is skipped). */
export function jaegerBinary(): string {
  const bin = process.env.JAEGER_BIN || path.join(cacheRoot(), 'jaeger', JAEGER_VERSION, 'bin', 'jaeger')
  if (!existsSync(bin)) {
    throw new Error(
      `Jaeger ${JAEGER_VERSION} not found at ${bin}: build it with 'bash tooling/jaeger/build-server.sh' ` +
        '(tooling/bootstrap.sh does; ~5 min, needs Go and the Go module proxy) or set JAEGER_BIN',
    )
  }
  return bin
}

function config(otlp: number, http: number, grpc: number): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: { receivers: [otlp], processors: [], exporters: [jaeger_storage_exporter] }
  telemetry:
    metrics: { level: none }
    logs: { level: warn }
extensions:
  jaeger_query:
    storage: { traces: memstore }
    http: { endpoint: "127.0.0.1:${http}" }
    grpc: { endpoint: "127.0.0.1:${grpc}" }
  jaeger_storage:
    backends:
      memstore: { memory: { max_traces: 10000 } }
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${otlp}" }
exporters:
  jaeger_storage_exporter: { trace_storage: memstore }
`
}

export async function startJaeger(): Promise<Jaeger> {
  const command = jaegerBinary()
  const dir = await createTempDir('jaeger')
  try {
    return await withPortsRetry(3, async ([otlp, http, grpc]) => {
      const file = path.join(dir.path, 'config.yaml')
      await writeFile(file, config(otlp!, http!, grpc!))
      const otlpUrl = `http://127.0.0.1:${otlp}/v1/traces`
      const queryUrl = `http://127.0.0.1:${http}`
      const proc = await startService({
        name: 'jaeger',
        command,
        args: ['--config', file],
        port: http,
        readyWhat: 'the query API and the OTLP receiver to answer',
        readyTimeoutMs: 60_000,
        readyIntervalMs: 100,
        ready: async ({ signal }) => {
          const query = await fetch(`${queryUrl}/api/services`, { signal })
          const receiver = await fetch(otlpUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"resourceSpans":[]}',
            signal,
          })
          return query.ok && receiver.ok
        },
      })
      const get = async (url: string) => {
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
        if (response.status === 404) return undefined
        if (!response.ok) throw new Error(`Jaeger ${url}: HTTP ${response.status} ${await response.text()}`)
        return ((await response.json()) as { data: JaegerTrace[] }).data
      }
      return {
        otlpUrl,
        queryUrl,
        exporter: () => new OTLPTraceExporter({ url: otlpUrl }),
        trace: async (id) => (await get(`${queryUrl}/api/traces/${id}`))?.[0],
        find: async (service, tags) =>
          (await get(
            `${queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=100&lookback=1h&tags=${encodeURIComponent(JSON.stringify(tags))}`,
          )) ?? [],
        stop: async () => {
          await proc.stop()
          await dir.remove()
        },
      }
    })
  } catch (error) {
    await dir.remove()
    throw error
  }
}

/** The service name of a span's process. */
export function serviceOf(t: JaegerTrace, span: JaegerSpan): string {
  return t.processes[span.processID]!.serviceName
}

export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value
}

// Fallback trace backend for the tracing suite when Jaeger cannot run: the SDK's InMemorySpanExporter,
// read through the same `trace()`/`find()` shape as Jaeger's query API (JaegerTrace), so the assertions
// are the same.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { Jaeger, JaegerSpan, JaegerTrace } from './jaeger.js'

const KINDS: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
}

function toJaegerSpan(span: ReadableSpan, processID: string): JaegerSpan {
  const ctx = span.spanContext()
  const parent = span.parentSpanContext
  const tags: JaegerSpan['tags'] = Object.entries(span.attributes).map(([key, value]) => ({ key, value }))
  tags.push({ key: 'span.kind', value: KINDS[span.kind] })
  if (span.status.code === SpanStatusCode.ERROR) {
    tags.push({ key: 'error', value: true }, { key: 'otel.status_description', value: span.status.message })
  }
  return {
    traceID: ctx.traceId,
    spanID: ctx.spanId,
    operationName: span.name,
    references: parent ? [{ refType: 'CHILD_OF', spanID: parent.spanId, traceID: parent.traceId }] : [],
    processID,
    tags,
  }
}

/** The spans of `exporter` grouped into traces, in the Jaeger query API's shape. */
export function memoryTraces(exporter: InMemorySpanExporter): JaegerTrace[] {
  const traces = new Map<string, JaegerTrace>()
  for (const span of exporter.getFinishedSpans()) {
    const id = span.spanContext().traceId
    const t = traces.get(id) ?? { traceID: id, spans: [], processes: {} }
    const service = String(span.resource.attributes['service.name'])
    t.processes[service] = { serviceName: service }
    t.spans.push(toJaegerSpan(span, service))
    traces.set(id, t)
  }
  return [...traces.values()]
}

/** An in-memory trace backend with the {@link Jaeger} surface (no process, no network). */
export function startMemoryBackend(): Jaeger {
  const memory = new InMemorySpanExporter()
  const all = () => memoryTraces(memory)
  return {
    otlpUrl: 'memory:',
    queryUrl: 'memory:',
    // each service's provider shuts its exporter down after a test: the shared store must outlive that
    exporter: (): SpanExporter => ({
      export: (spans, done) => memory.export(spans, done),
      shutdown: async () => {},
      forceFlush: async () => {},
    }),
    trace: async (id) => all().find((t) => t.traceID === id),
    find: async (service, tags) =>
      all().filter((t) =>
        t.spans.some(
          (s) =>
            t.processes[s.processID]!.serviceName === service &&
            Object.entries(tags).every(([k, v]) => s.tags.some((x) => x.key === k && x.value === v)),
        ),
      ),
    stop: async () => memory.reset(),
  }
}

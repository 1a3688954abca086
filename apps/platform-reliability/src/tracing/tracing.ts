import {
  type Context,
  context as contextApi,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { fingerprint } from './fingerprint.js'

export interface TracingOptions {
  serviceName: string
  /** OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. */
  otlpUrl?: string
  /** Or any exporter (e.g. the SDK's InMemorySpanExporter). */
  exporter?: SpanExporter
}

/** A W3C trace-context carrier (`traceparent`, `tracestate`) as sent in HTTP headers and job data. */
export type Carrier = Record<string, string>

const propagator = new W3CTraceContextPropagator()

/**
 * One service's tracing: its own provider (not registered globally, so several services can live in one
 * process, each with its `service.name`), spans exported one by one. Contexts are passed explicitly.
 */
export class ServiceTracing {
  readonly provider: BasicTracerProvider
  readonly tracer: Tracer

  constructor(options: TracingOptions) {
    const exporter = options.exporter ?? new OTLPTraceExporter({ url: options.otlpUrl })
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    })
    this.tracer = this.provider.getTracer(options.serviceName)
  }

  /** Runs `work` in a span (child of `parent`); an error is recorded with its fingerprint and rethrown. */
  async inSpan<T>(
    name: string,
    options: SpanOptions,
    parent: Context,
    work: (span: Span, ctx: Context) => Promise<T>,
  ): Promise<T> {
    const span = this.tracer.startSpan(name, options, parent)
    const ctx = trace.setSpan(parent, span)
    try {
      return await contextApi.with(ctx, () => work(span, ctx))
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error))
      span.recordException(err)
      span.setAttribute('error.fingerprint', fingerprint(err))
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
      throw error
    } finally {
      span.end()
    }
  }

  forceFlush(): Promise<void> {
    return this.provider.forceFlush()
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown()
  }
}

/** Writes `ctx`'s span context into a fresh carrier. */
export function inject(ctx: Context): Carrier {
  const carrier: Carrier = {}
  propagator.inject(ctx, carrier, defaultTextMapSetter)
  return carrier
}

/** The context a carrier describes (ROOT_CONTEXT when it holds none). */
export function extract(carrier: Record<string, string | string[] | undefined>): Context {
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)
}

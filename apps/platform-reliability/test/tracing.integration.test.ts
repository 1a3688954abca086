// Module 5 — error tracing with the OpenTelemetry SDK: three services (a web client, `order-api`,
// `order-worker`), each with its own tracer provider, and one trace running HTTP → BullMQ (a real Redis, a
// DB of each test's own) → worker. The spans are exported over OTLP/HTTP to a real Jaeger (built into the
// fixtures cache by tooling/jaeger/build-server.sh, which tooling/bootstrap.sh runs) and every assertion
// reads them back through Jaeger's query API.
import { SpanKind } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import {
  ErrorGroups,
  inject,
  type Order,
  type OrderJob,
  ServiceTracing,
  startOrderApi,
  startOrderWorker,
} from '../src/index.js'
import { eventually, test } from './support/fixtures.js'
import { type Jaeger, type JaegerTrace, serviceOf, startJaeger, tag } from './support/jaeger.js'
import { queueFor } from './support/queues.js'

let jaeger: Jaeger

beforeAll(async () => {
  jaeger = await startJaeger()
})

afterAll(async () => {
  await jaeger?.stop()
})

class OutOfStock extends Error {
  override name = 'OutOfStock'
}

/** The order-processing step of the worker: fails for some SKUs, as a real one would. */
async function processOrder(order: Order): Promise<string> {
  if (order.sku.startsWith('gone-')) throw new OutOfStock(`no stock left for '${order.sku}'`)
  if (order.quantity > 100) throw new RangeError(`quantity ${order.quantity} above the limit of 100`)
  return `shipped ${order.quantity} × ${order.sku}`
}

const pipelineTest = test.extend<{
  pipeline: {
    web: ServiceTracing
    api: { url: string }
    errors: ErrorGroups
    flush: () => Promise<void>
    waitForTrace: (traceId: string, spans: number) => Promise<JaegerTrace>
  }
}>({
  pipeline: async ({ redis }, use) => {
    const web = new ServiceTracing({ serviceName: 'web-checkout', exporter: jaeger.exporter() })
    const apiTracing = new ServiceTracing({ serviceName: 'order-api', exporter: jaeger.exporter() })
    const workerTracing = new ServiceTracing({ serviceName: 'order-worker', exporter: jaeger.exporter() })
    const queue = queueFor<OrderJob, string>(redis)
    const errors = new ErrorGroups()
    const api = await startOrderApi(apiTracing, queue)
    await startOrderWorker(workerTracing, queue, processOrder, errors)
    const tracings = [web, apiTracing, workerTracing]
    const flush = async () => {
      await Promise.all(tracings.map((t) => t.forceFlush()))
    }
    const waitForTrace = (traceId: string, spans: number) =>
      eventually(`trace ${traceId} with ${spans} spans in the trace backend`, async () => {
        await flush()
        const t = await jaeger.trace(traceId)
        return t && t.spans.length >= spans ? t : undefined
      })
    try {
      await use({ web, api, errors, flush, waitForTrace })
    } finally {
      await api.close()
      await queue.close()
      await Promise.all(tracings.map((t) => t.shutdown()))
    }
  },
})

/** Places an order from the web client inside its own span; returns the trace id and the API's answer. */
async function placeOrder(web: ServiceTracing, apiUrl: string, order: Order) {
  const { context } = await import('@opentelemetry/api')
  return web.inSpan('checkout', { kind: SpanKind.CLIENT }, context.active(), async (span, ctx) => {
    const response = await fetch(`${apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...inject(ctx) },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(10_000),
    })
    expect(response.status).toBe(202)
    const body = (await response.json()) as { jobId: string; traceId: string }
    return { traceId: span.spanContext().traceId, body }
  })
}

const span = (t: JaegerTrace, name: string) => t.spans.find((s) => s.operationName === name)!

describe('context propagation', () => {
  pipelineTest(
    'one trace runs from the HTTP request through the queue into the worker',
    async ({ pipeline }) => {
      const { traceId, body } = await placeOrder(pipeline.web, pipeline.api.url, { sku: 'A-1', quantity: 2 })
      expect(body.traceId).toBe(traceId) // the API continued the caller's trace
      const t = await pipeline.waitForTrace(traceId, 4)
      const [checkout, post, enqueue, processed] = [
        'checkout',
        'POST /orders',
        'enqueue order',
        'process order',
      ].map((name) => span(t, name))
      expect(post!.references).toEqual([
        expect.objectContaining({ refType: 'CHILD_OF', spanID: checkout!.spanID }),
      ])
      expect(enqueue!.references[0]!.spanID).toBe(post!.spanID)
      expect(processed!.references[0]!.spanID).toBe(enqueue!.spanID)
      expect(tag(processed!, 'job.id')).toBe(body.jobId)
      expect(tag(processed!, 'span.kind')).toBe('consumer')
    },
  )

  pipelineTest('a request without traceparent starts a trace of its own in the API', async ({ pipeline }) => {
    const answers = await Promise.all(
      [1, 2].map(async () => {
        const r = await fetch(`${pipeline.api.url}/orders`, {
          method: 'POST',
          body: '{"sku":"B-2","quantity":1}',
        })
        return (await r.json()) as { traceId: string }
      }),
    )
    expect(answers[0]!.traceId).not.toBe(answers[1]!.traceId)
    const t = await pipeline.waitForTrace(answers[0]!.traceId, 3)
    expect(span(t, 'POST /orders').references).toEqual([])
    expect(t.spans.map((s) => s.operationName).sort()).toEqual([
      'POST /orders',
      'enqueue order',
      'process order',
    ])
  })
})

describe('correlation across services', () => {
  pipelineTest('the trace names the service of each span: web, API and worker', async ({ pipeline }) => {
    const { traceId } = await placeOrder(pipeline.web, pipeline.api.url, { sku: 'C-3', quantity: 1 })
    const t = await pipeline.waitForTrace(traceId, 4)
    const services = Object.fromEntries(t.spans.map((s) => [s.operationName, serviceOf(t, s)]))
    expect(services).toEqual({
      checkout: 'web-checkout',
      'POST /orders': 'order-api',
      'enqueue order': 'order-api',
      'process order': 'order-worker',
    })
  })
})

describe('error grouping', () => {
  pipelineTest(
    'worker errors group by fingerprint; each group finds its traces in the backend',
    async ({ pipeline }) => {
      const orders: Order[] = [
        { sku: 'gone-1', quantity: 1 },
        { sku: 'gone-2', quantity: 3 },
        { sku: 'D-4', quantity: 500 },
        { sku: 'gone-3', quantity: 1 },
        { sku: 'E-5', quantity: 101 },
        { sku: 'F-6', quantity: 1 }, // succeeds
      ]
      const placed = []
      for (const order of orders) placed.push(await placeOrder(pipeline.web, pipeline.api.url, order))
      await eventually('5 failures recorded', async () =>
        pipeline.errors.list().reduce((n, g) => n + g.count, 0) === 5 ? true : undefined,
      )
      const [stock, quantity] = pipeline.errors.list()
      expect(pipeline.errors.list()).toHaveLength(2)
      expect(stock).toMatchObject({ name: 'OutOfStock', count: 3, message: 'no stock left for <str>' })
      expect(quantity).toMatchObject({ name: 'RangeError', count: 2 })
      expect(stock!.traceIds.sort()).toEqual(
        [placed[0]!, placed[1]!, placed[3]!].map((p) => p.traceId).sort(),
      )
      await pipeline.flush()
      const found = await eventually('the backend to return the OutOfStock traces', async () => {
        const traces = await jaeger.find('order-worker', { 'error.fingerprint': stock!.fingerprint })
        return traces.length === 3 ? traces : undefined
      })
      expect(found.map((t) => t.traceID).sort()).toEqual([...stock!.traceIds].sort())
    },
  )

  pipelineTest(
    'the failing span carries the error status, the exception and the fingerprint',
    async ({ pipeline }) => {
      const { traceId } = await placeOrder(pipeline.web, pipeline.api.url, { sku: 'gone-9', quantity: 1 })
      const t = await pipeline.waitForTrace(traceId, 4)
      const processed = span(t, 'process order')
      expect(tag(processed, 'error')).toBe(true)
      expect(tag(processed, 'otel.status_description')).toBe("no stock left for 'gone-9'")
      await eventually('the error group', async () => pipeline.errors.list()[0])
      expect(tag(processed, 'error.fingerprint')).toBe(pipeline.errors.list()[0]!.fingerprint)
      // the request side of the trace did not fail: the error belongs to the worker
      expect(tag(span(t, 'POST /orders'), 'error')).toBeUndefined()
    },
  )
})

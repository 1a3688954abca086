import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SpanKind } from '@opentelemetry/api'
import type { Worker } from 'bullmq'
import type { TaskQueue } from '../tasks/task-queue.js'
import { ErrorGroups } from './error-groups.js'
import { type Carrier, extract, inject, type ServiceTracing } from './tracing.js'

export interface Order {
  sku: string
  quantity: number
}

/** A queued order: the order and the trace context of the request that queued it. */
export interface OrderJob {
  order: Order
  trace: Carrier
}

export interface OrderApi {
  url: string
  close(): Promise<void>
}

/**
 * Service 1 (`order-api`): `POST /orders` continues the caller's trace (W3C `traceparent`), queues the order
 * with its own span context in the job, answers 202 `{ jobId, traceId }`.
 */
export async function startOrderApi(
  tracing: ServiceTracing,
  queue: TaskQueue<OrderJob, string>,
): Promise<OrderApi> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    try {
      const order = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Order
      const answer = await tracing.inSpan(
        'POST /orders',
        { kind: SpanKind.SERVER },
        extract(req.headers),
        (span, ctx) =>
          tracing.inSpan('enqueue order', { kind: SpanKind.PRODUCER }, ctx, async (_s, enqueueCtx) => {
            const job = await queue.add('order', { order, trace: inject(enqueueCtx) })
            span.setAttribute('job.id', String(job.id))
            return { jobId: job.id, traceId: span.spanContext().traceId }
          }),
      )
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }))
    }
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Service 2 (`order-worker`): processes queued orders in a CONSUMER span that continues the queuing
 * request's trace; a failure is recorded on the span (with its fingerprint) and in `errors`.
 */
export function startOrderWorker(
  tracing: ServiceTracing,
  queue: TaskQueue<OrderJob, string>,
  process: (order: Order) => Promise<string>,
  errors = new ErrorGroups(),
): Promise<Worker<OrderJob, string>> {
  return queue.work((job) =>
    tracing.inSpan('process order', { kind: SpanKind.CONSUMER }, extract(job.data.trace), async (span) => {
      span.setAttribute('job.id', String(job.id))
      try {
        return await process(job.data.order)
      } catch (error) {
        if (error instanceof Error) errors.record(error, span.spanContext().traceId)
        throw error
      }
    }),
  )
}

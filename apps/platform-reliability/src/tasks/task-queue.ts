import { type ConnectionOptions, type Job, type JobsOptions, Queue, QueueEvents, Worker } from 'bullmq'

export interface TaskQueueOptions {
  /** Where BullMQ keeps its keys: a single Redis (BullMQ scripts touch many keys, not cluster-safe). */
  connection: ConnectionOptions
  /** The queue name; the dead-letter queue is `<name>-dlq`. */
  name: string
  /** Key prefix of the queues. Default 'bull'. */
  prefix?: string
}

export interface EnqueueOptions {
  /** 1 is the most urgent; unset = before every prioritised job (BullMQ semantics). */
  priority?: number
  /** Total attempts including the first. Default 1. */
  attempts?: number
  /** First retry delay; each next one doubles (exponential backoff). Default 100 ms. */
  backoffMs?: number
}

/** What the dead-letter queue keeps of a task that failed its last attempt. */
export interface DeadLetter<T = unknown> {
  name: string
  data: T
  failedReason: string
  attemptsMade: number
  originalId: string
}

export type TaskHandler<T, R> = (job: Job<T, R>) => Promise<R>

export interface TaskWorkerOptions {
  concurrency?: number
  /** How long a job's lock lives without renewal: a dead worker's job is retried after about this. */
  lockDurationMs?: number
}

function jobOptions(options: EnqueueOptions): JobsOptions {
  return {
    priority: options.priority,
    attempts: options.attempts ?? 1,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 100 },
    removeOnComplete: false,
    removeOnFail: false,
  }
}

/**
 * A BullMQ task queue with a dead-letter queue: tasks are retried with exponential backoff, and one that
 * fails its last attempt is copied to `<name>-dlq` with its reason by the worker from {@link work}.
 */
export class TaskQueue<T = unknown, R = unknown> {
  readonly queue: Queue<T, R>
  readonly deadLetters: Queue<DeadLetter<T>>
  readonly events: QueueEvents
  readonly #workers: Worker<T, R>[] = []

  constructor(readonly options: TaskQueueOptions) {
    const common = { connection: options.connection, prefix: options.prefix ?? 'bull' }
    this.queue = new Queue<T, R>(options.name, common)
    this.deadLetters = new Queue<DeadLetter<T>>(`${options.name}-dlq`, common)
    this.events = new QueueEvents(options.name, common)
  }

  add(name: string, data: T, options: EnqueueOptions = {}): Promise<Job<T, R>> {
    // biome-ignore lint/suspicious/noExplicitAny: BullMQ's name generics are stricter than a plain string
    return this.queue.add(name as any, data as any, jobOptions(options)) as Promise<Job<T, R>>
  }

  addBatch(tasks: ReadonlyArray<{ name: string; data: T; options?: EnqueueOptions }>): Promise<Job<T, R>[]> {
    return this.queue.addBulk(
      // biome-ignore lint/suspicious/noExplicitAny: see add()
      tasks.map((t) => ({ name: t.name as any, data: t.data as any, opts: jobOptions(t.options ?? {}) })),
    ) as Promise<Job<T, R>[]>
  }

  /** Starts a worker on this queue; failed last attempts go to the dead-letter queue. Closed by `close()`. */
  async work(handler: TaskHandler<T, R>, options: TaskWorkerOptions = {}): Promise<Worker<T, R>> {
    const worker = new Worker<T, R>(this.options.name, handler, {
      connection: this.options.connection,
      prefix: this.options.prefix ?? 'bull',
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.lockDurationMs ?? 30_000,
    })
    worker.on('failed', (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return
      void this.deadLetters
        .add('dead', {
          name: job.name,
          data: job.data,
          failedReason: error.message,
          attemptsMade: job.attemptsMade,
          originalId: String(job.id),
        })
        .catch(() => {})
    })
    worker.on('error', () => {}) // connection errors are retried by BullMQ itself
    await worker.waitUntilReady()
    this.#workers.push(worker)
    return worker
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()))
    await Promise.all([this.queue.close(), this.deadLetters.close(), this.events.close()])
  }
}

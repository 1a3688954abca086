// Module 4 — task processing on BullMQ over a real Redis (a DB of each test's own): priorities, retries
// with exponential backoff (the gaps between attempts are checked), a dead-letter queue after the last
// attempt, batches, a task done in under a second, and a worker process SIGKILLed mid-job.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect } from 'vitest'
import type { DeadLetter } from '../src/index.js'
import { eventually, test } from './support/fixtures.js'
import { connectionFor, queueFor } from './support/queues.js'

describe('priorities', () => {
  test('queued tasks run most urgent first (one worker, concurrency 1)', async ({ redis }) => {
    const tasks = queueFor<{ label: string }, void>(redis)
    try {
      await tasks.add('t', { label: 'low' }, { priority: 10 })
      await tasks.add('t', { label: 'high' }, { priority: 1 })
      await tasks.add('t', { label: 'mid' }, { priority: 5 })
      await tasks.add('t', { label: 'high-2' }, { priority: 1 })
      const order: string[] = []
      await tasks.work(async (job) => {
        order.push(job.data.label)
      })
      await eventually('4 tasks done', async () => (order.length === 4 ? true : undefined))
      expect(order).toEqual(['high', 'high-2', 'mid', 'low'])
    } finally {
      await tasks.close()
    }
  })
})

describe('retries and dead letters', () => {
  test('a failing task is retried with exponential backoff: each gap at least the configured delay', async ({
    redis,
  }) => {
    const tasks = queueFor<object, string>(redis)
    try {
      const attempts: number[] = []
      await tasks.work(async () => {
        attempts.push(Date.now())
        if (attempts.length < 4) throw new Error(`flaky ${attempts.length}`)
        return 'ok'
      })
      const job = await tasks.add('flaky', {}, { attempts: 4, backoffMs: 200 })
      expect(await job.waitUntilFinished(tasks.events, 30_000)).toBe('ok')
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!)
      expect(attempts).toHaveLength(4)
      // BullMQ's exponential backoff: 200, 400, 800 ms (never earlier; later is fine on a loaded machine)
      expect(gaps[0]).toBeGreaterThanOrEqual(200)
      expect(gaps[1]).toBeGreaterThanOrEqual(400)
      expect(gaps[2]).toBeGreaterThanOrEqual(800)
    } finally {
      await tasks.close()
    }
  })

  test('after the last attempt the task lands in the dead-letter queue with its reason', async ({
    redis,
  }) => {
    const tasks = queueFor<{ orderId: number }, void>(redis)
    try {
      let calls = 0
      await tasks.work(async (job) => {
        calls++
        throw new Error(`payment gateway refused order ${job.data.orderId}`)
      })
      const job = await tasks.add('charge', { orderId: 42 }, { attempts: 3, backoffMs: 50 })
      const dead = await eventually('a dead letter', async () => {
        const [letter] = await tasks.deadLetters.getJobs(['waiting'])
        return letter?.data as DeadLetter<{ orderId: number }> | undefined
      })
      expect(dead).toEqual({
        name: 'charge',
        data: { orderId: 42 },
        failedReason: 'payment gateway refused order 42',
        attemptsMade: 3,
        originalId: job.id,
      })
      expect(calls).toBe(3)
      expect(await tasks.queue.getJobState(job.id!)).toBe('failed')
      expect(await tasks.deadLetters.count()).toBe(1)
    } finally {
      await tasks.close()
    }
  })

  test('a task that succeeds on a retry never reaches the dead-letter queue', async ({ redis }) => {
    const tasks = queueFor<object, string>(redis)
    try {
      let calls = 0
      await tasks.work(async () => {
        calls++
        if (calls === 1) throw new Error('transient')
        return 'done'
      })
      const job = await tasks.add('once-flaky', {}, { attempts: 2, backoffMs: 50 })
      expect(await job.waitUntilFinished(tasks.events, 30_000)).toBe('done')
      expect(await tasks.deadLetters.count()).toBe(0)
    } finally {
      await tasks.close()
    }
  })
})

describe('batches and latency', () => {
  test('a batch of 200 tasks is processed exactly once each by 10 concurrent slots', async ({ redis }) => {
    const tasks = queueFor<{ n: number }, number>(redis)
    try {
      const seen = new Map<number, number>()
      let active = 0
      let maxActive = 0
      await tasks.work(
        async (job) => {
          maxActive = Math.max(maxActive, ++active)
          await new Promise((resolve) => setTimeout(resolve, 5))
          seen.set(job.data.n, (seen.get(job.data.n) ?? 0) + 1)
          active--
          return job.data.n * 2
        },
        { concurrency: 10 },
      )
      await tasks.addBatch(Array.from({ length: 200 }, (_, n) => ({ name: 'item', data: { n } })))
      await eventually('200 completed', async () =>
        (await tasks.queue.getCompletedCount()) === 200 ? true : undefined,
      )
      expect(seen.size).toBe(200)
      expect([...seen.values()].every((count) => count === 1)).toBe(true)
      expect(maxActive).toBeGreaterThan(1)
      expect(maxActive).toBeLessThanOrEqual(10)
      const [first] = await tasks.queue.getCompleted(0, 0)
      expect(first!.returnvalue).toBe(first!.data.n * 2)
    } finally {
      await tasks.close()
    }
  })

  test('a task is picked up and finished in under a second (seed: < 1 s processing)', async ({ redis }) => {
    const tasks = queueFor<{ x: number }, number>(redis)
    try {
      await tasks.work(async (job) => job.data.x + 1)
      const job = await tasks.add('fast', { x: 1 })
      expect(await job.waitUntilFinished(tasks.events, 10_000)).toBe(2)
      const done = (await tasks.queue.getJob(job.id!))!
      expect(done.finishedOn! - done.timestamp).toBeLessThan(1000)
    } finally {
      await tasks.close()
    }
  })
})

describe('worker crash', () => {
  test('a worker SIGKILLed mid-job: the job is retried by another worker, not lost', async ({ redis }) => {
    const tasks = queueFor<{ id: string }, string>(redis)
    const lockDurationMs = 1000
    const child = fork(fileURLToPath(new URL('./support/crashing-worker.mjs', import.meta.url)), [
      JSON.stringify({
        ...connectionFor(redis),
        queue: tasks.options.name,
        prefix: tasks.options.prefix,
        lockDurationMs,
      }),
    ])
    try {
      const job = await tasks.add('import', { id: 'file-7' }, { attempts: 3 })
      const [started] = (await Promise.race([
        once(child, 'message'),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('child worker took no job in 20 s')), 20_000),
        ),
      ])) as [{ type: string; id: string }]
      expect(started).toEqual({ type: 'started', id: job.id })
      child.kill('SIGKILL')
      await once(child, 'exit')
      expect(await tasks.queue.getJobState(job.id!)).toBe('active') // held by a dead worker
      await tasks.work(async (j) => `imported ${j.data.id}`, { lockDurationMs })
      expect(await job.waitUntilFinished(tasks.events, 30_000)).toBe('imported file-7')
      expect(await tasks.deadLetters.count()).toBe(0)
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await tasks.close()
    }
  }, 60_000)
})

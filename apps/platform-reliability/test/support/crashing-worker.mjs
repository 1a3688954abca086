// A worker process for the "worker killed mid-job" test: takes one job from the queue, tells the parent
// (IPC) which job it holds, and never finishes it. The parent then SIGKILLs this process.
import { Worker } from 'bullmq'

const { queue, prefix, lockDurationMs, ...connection } = JSON.parse(process.argv[2])
const worker = new Worker(
  queue,
  async (job) => {
    process.send?.({ type: 'started', id: job.id })
    await new Promise(() => {}) // hangs until killed
  },
  { connection, prefix, lockDuration: lockDurationMs, stalledInterval: lockDurationMs },
)
worker.on('error', () => {})

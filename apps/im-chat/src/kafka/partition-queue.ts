/**
 * Batches items per key and runs at most one flush per key at a time, in arrival order: what one partition's
 * sends need (order within the partition, one request per partition leader).
 */
export class PartitionQueue<T> {
  private readonly pending = new Map<
    number,
    { item: T; resolve: () => void; reject: (e: unknown) => void }[]
  >()
  private readonly running = new Set<number>()

  constructor(
    private readonly flush: (partition: number, items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  push(partition: number, item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.pending.get(partition) ?? []
      queue.push({ item, resolve, reject })
      this.pending.set(partition, queue)
      if (!this.running.has(partition)) {
        this.running.add(partition)
        // start after the current burst of pushes, so that it goes out as one batch
        queueMicrotask(() => void this.drain(partition))
      }
    })
  }

  private async drain(partition: number): Promise<void> {
    try {
      for (;;) {
        const queue = this.pending.get(partition)
        if (!queue || queue.length === 0) return
        const batch = queue.splice(0, this.maxBatch)
        try {
          await this.flush(
            partition,
            batch.map((entry) => entry.item),
          )
          for (const entry of batch) entry.resolve()
        } catch (error) {
          for (const entry of batch) entry.reject(error)
        }
      }
    } finally {
      this.running.delete(partition)
    }
  }
}

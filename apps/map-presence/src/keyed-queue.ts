/**
 * Runs tasks one at a time per key, in submission order; different keys run concurrently.
 * Used to apply and broadcast one session's moves in the order they were sent.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  /** Keys with queued or running tasks. */
  get size(): number {
    return this.tails.size
  }

  /** Resolves when every task queued so far has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.tails.values()])
  }
}

export interface MetricsTarget {
  /** InfluxDB 1.x base URL, `http://127.0.0.1:8086`. */
  url: string
  database: string
  retentionPolicy?: string
}

export interface MetricsOptions {
  /** Points kept while InfluxDB is unreachable; beyond it the oldest are dropped and counted as lost. */
  bufferCapacity: number
  /** Timeout of one write request. */
  writeTimeoutMs: number
  /** While points are buffered, a write is retried this often. */
  retryIntervalMs: number
  /** Points per write request. */
  batchSize: number
}

export interface MetricsStats {
  /** Points InfluxDB acknowledged (204). */
  written: number
  /** Points waiting for InfluxDB (including a batch in flight). */
  buffered: number
  /**
   * Points given up on (buffer full, or still buffered at close): reported, never silently gone. A write
   * that timed out may still have landed (a hung server answers late), so a lost point may exist.
   */
  lost: number
  /** Failed write attempts. */
  failedWrites: number
  lastError: string | undefined
}

/**
 * Writes execution points to InfluxDB off the order path: `record()` never waits for InfluxDB. Points wait in
 * a bounded buffer while InfluxDB is down or hangs and are retried; when the buffer overflows, the oldest
 * points are dropped and counted in `lost`.
 */
export class ExecutionMetrics {
  private buffer: string[] = []
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private inFlight = 0
  private readonly counts = { written: 0, lost: 0, failedWrites: 0 }
  private lastError: string | undefined

  constructor(
    private readonly target: MetricsTarget,
    private readonly options: MetricsOptions,
  ) {}

  record(lines: readonly string[]): void {
    if (this.closed) {
      this.counts.lost += lines.length
      return
    }
    this.buffer.push(...lines)
    this.trim()
    void this.flush()
  }

  stats(): MetricsStats {
    return { ...this.counts, buffered: this.buffer.length + this.inFlight, lastError: this.lastError }
  }

  /** Writes what is buffered; resolves when the buffer is empty or a write failed (points kept). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined
    })
    return this.flushing
  }

  /** Stops retrying; one last flush; what is still buffered is counted as lost. */
  async close(): Promise<MetricsStats> {
    this.closed = true
    clearTimeout(this.timer)
    await this.flush()
    this.counts.lost += this.buffer.length
    this.buffer = []
    return this.stats()
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      // the batch in flight leaves the buffer; a failed one goes back to its head
      const batch = this.buffer.splice(0, this.options.batchSize)
      this.inFlight = batch.length
      try {
        await this.write(batch)
        this.inFlight = 0
        this.counts.written += batch.length
      } catch (err) {
        this.inFlight = 0
        this.buffer.unshift(...batch)
        this.trim()
        this.counts.failedWrites++
        this.lastError = err instanceof Error ? err.message : String(err)
        this.scheduleRetry()
        return
      }
    }
  }

  /** Drops the oldest points beyond the capacity, counting them as lost. */
  private trim(): void {
    const over = this.buffer.length - this.options.bufferCapacity
    if (over > 0) {
      this.buffer.splice(0, over)
      this.counts.lost += over
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, this.options.retryIntervalMs)
    this.timer.unref()
  }

  private async write(lines: readonly string[]): Promise<void> {
    const query = new URLSearchParams({ db: this.target.database, precision: 'ns' })
    if (this.target.retentionPolicy) query.set('rp', this.target.retentionPolicy)
    const response = await fetch(`${this.target.url}/write?${query}`, {
      method: 'POST',
      body: lines.join('\n'),
      signal: AbortSignal.timeout(this.options.writeTimeoutMs),
    })
    if (response.status !== 204) {
      throw new Error(`InfluxDB write answered ${response.status}: ${(await response.text()).trim()}`)
    }
  }
}

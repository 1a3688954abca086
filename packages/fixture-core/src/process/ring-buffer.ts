/** Longest line kept; longer output without a newline is split so memory stays bounded. */
const MAX_LINE_CHARS = 16 * 1024

/** A bounded buffer of the last `capacity` lines written to it (a real ring: O(1) per line). */
export class LineRingBuffer {
  private readonly ring: string[] = []
  private next = 0
  private partial = ''
  private total = 0

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1`)
  }

  /** Appends raw output; splits it into lines, keeping an unterminated tail for the next write. Returns the complete lines. */
  write(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/)
    let tail = parts.pop() ?? ''
    while (tail.length > MAX_LINE_CHARS) {
      parts.push(tail.slice(0, MAX_LINE_CHARS))
      tail = tail.slice(MAX_LINE_CHARS)
    }
    this.partial = tail
    for (const line of parts) this.push(line)
    return parts
  }

  /** Terminates the unterminated tail (e.g. when the process exits). Returns it, if there was one. */
  flush(): string | undefined {
    if (!this.partial) return undefined
    const line = this.partial
    this.partial = ''
    this.push(line)
    return line
  }

  push(line: string): void {
    if (this.ring.length < this.capacity) this.ring.push(line)
    else this.ring[this.next] = line
    this.next = (this.next + 1) % this.capacity
    this.total++
  }

  /** The last `n` lines (all kept lines by default), including an unterminated tail. */
  tail(n = this.capacity): string[] {
    const ordered =
      this.ring.length < this.capacity
        ? [...this.ring]
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)]
    if (this.partial) ordered.push(this.partial)
    return n <= 0 ? [] : ordered.slice(-n)
  }

  /** Lines pushed since `mark` (a value of {@link written}), as far as they are still kept. */
  since(mark: number): string[] {
    const count = this.total - mark + (this.partial ? 1 : 0)
    return count <= 0 ? [] : this.tail(count)
  }

  /** Lines kept right now (complete lines only). */
  get size(): number {
    return this.ring.length
  }

  /** Complete lines ever pushed: a mark for {@link since}. */
  get written(): number {
    return this.total
  }
}

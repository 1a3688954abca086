/** A bounded buffer of the last `capacity` lines written to it. */
export class LineRingBuffer {
  private readonly lines: string[] = []
  private partial = ''
  constructor(readonly capacity = 1000) {}

  /** Appends raw output; splits it into lines, keeping an unterminated tail for the next write. */
  write(chunk: string): string[] {
    const text = this.partial + chunk
    const parts = text.split(/\r?\n/)
    this.partial = parts.pop() ?? ''
    for (const line of parts) this.push(line)
    return parts
  }

  push(line: string): void {
    this.lines.push(line)
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity)
  }

  /** The last `n` lines (all by default), including an unterminated tail. */
  tail(n = this.capacity): string[] {
    const all = this.partial ? [...this.lines, this.partial] : [...this.lines]
    return all.slice(-n)
  }

  get size(): number {
    return this.lines.length
  }
}

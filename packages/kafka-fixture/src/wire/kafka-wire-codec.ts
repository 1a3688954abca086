/** Kafka protocol primitives: big-endian ints, varints, classic and compact strings and arrays. */

/** Encodes a request header or body. */
export class Writer {
  private parts: Buffer[] = []
  private fixed(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size)
    write(b)
    this.parts.push(b)
    return this
  }
  int8(v: number): this {
    return this.fixed(1, (b) => b.writeInt8(v))
  }
  int16(v: number): this {
    return this.fixed(2, (b) => b.writeInt16BE(v))
  }
  int32(v: number): this {
    return this.fixed(4, (b) => b.writeInt32BE(v))
  }
  uvarint(v: number): this {
    const bytes: number[] = []
    let n = v >>> 0
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    bytes.push(n)
    this.parts.push(Buffer.from(bytes))
    return this
  }
  /** Classic (non-flexible) string: int16 length + bytes. */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8')
    this.int16(b.length)
    this.parts.push(b)
    return this
  }
  /** Classic nullable string: int16 -1 for null. */
  nullableString(s: string | null): this {
    return s === null ? this.int16(-1) : this.string(s)
  }
  /** Flexible string: uvarint(length + 1) + bytes. */
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8')
    this.uvarint(b.length + 1)
    this.parts.push(b)
    return this
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0)
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts)
  }
}

/** Decodes a response body. */
export class Reader {
  private off = 0
  constructor(private readonly buf: Buffer) {}
  /** Reads a `size`-byte value at the current offset and moves past it. */
  private take<T>(size: number, read: (off: number) => T): T {
    const v = read(this.off)
    this.off += size
    return v
  }
  int8(): number {
    return this.take(1, (o) => this.buf.readInt8(o))
  }
  int16(): number {
    return this.take(2, (o) => this.buf.readInt16BE(o))
  }
  int32(): number {
    return this.take(4, (o) => this.buf.readInt32BE(o))
  }
  int64(): bigint {
    return this.take(8, (o) => this.buf.readBigInt64BE(o))
  }
  /** `len` bytes as UTF-8, or null for a negative (null) length. */
  private utf8(len: number): string | null {
    if (len < 0) return null
    return this.take(len, (o) => this.buf.toString('utf8', o, o + len))
  }
  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = this.buf.readUInt8(this.off++)
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
      shift += 7
      if (shift > 28) throw new Error('malformed varint')
    }
  }
  nullableString(): string | null {
    return this.utf8(this.int16())
  }
  string(): string {
    return this.nullableString() ?? ''
  }
  compactNullableString(): string | null {
    return this.utf8(this.uvarint() - 1)
  }
  array<T>(item: () => T): T[] {
    return times(this.int32(), item)
  }
  compactArray<T>(item: () => T): T[] {
    return times(this.uvarint() - 1, item)
  }
  skipTaggedFields(): void {
    const n = this.uvarint()
    for (let i = 0; i < n; i++) {
      this.uvarint() // tag
      const size = this.uvarint()
      this.off += size
    }
  }
}

/** `item()` called `n` times (none for n <= 0: a null array), in order. */
function times<T>(n: number, item: () => T): T[] {
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(item())
  return out
}

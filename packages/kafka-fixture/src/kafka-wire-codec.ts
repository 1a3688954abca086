/** Kafka protocol primitives: big-endian ints, varints, classic and compact strings and arrays. */

/** Encodes a request header or body. */
export class Writer {
  private parts: Buffer[] = []
  int8(v: number): this {
    const b = Buffer.alloc(1)
    b.writeInt8(v)
    this.parts.push(b)
    return this
  }
  int16(v: number): this {
    const b = Buffer.alloc(2)
    b.writeInt16BE(v)
    this.parts.push(b)
    return this
  }
  int32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeInt32BE(v)
    this.parts.push(b)
    return this
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
  int8(): number {
    const v = this.buf.readInt8(this.off)
    this.off += 1
    return v
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.off)
    this.off += 2
    return v
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.off)
    this.off += 4
    return v
  }
  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.off)
    this.off += 8
    return v
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
    const len = this.int16()
    if (len < 0) return null
    const s = this.buf.toString('utf8', this.off, this.off + len)
    this.off += len
    return s
  }
  string(): string {
    return this.nullableString() ?? ''
  }
  compactNullableString(): string | null {
    const len = this.uvarint() - 1
    if (len < 0) return null
    const s = this.buf.toString('utf8', this.off, this.off + len)
    this.off += len
    return s
  }
  array<T>(item: () => T): T[] {
    const n = this.int32()
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(item())
    return out
  }
  compactArray<T>(item: () => T): T[] {
    const n = this.uvarint() - 1
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(item())
    return out
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

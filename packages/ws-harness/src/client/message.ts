/** One WebSocket message as received, with its arrival order and a high-resolution timestamp. */
export interface WsMessage {
  /** 1-based arrival order on this socket. */
  readonly seq: number
  /** True for binary frames, false for text frames. */
  readonly isBinary: boolean
  /** The raw payload bytes. */
  readonly data: Buffer
  /** The payload decoded as UTF-8 (also for binary frames). */
  readonly text: string
  /** The payload parsed as JSON; throws a SyntaxError naming the message when it is not JSON. */
  readonly json: unknown
  /** `performance.now()` when the message arrived (before any awaiting code ran). */
  readonly receivedAt: number
}

const NOT_JSON: unique symbol = Symbol('not-json')

/** Internal implementation of {@link WsMessage}: decodes and parses lazily, once. */
export class ReceivedMessage implements WsMessage {
  // plain (not #private) fields: this object is created for every message, keep construction cheap
  private _text: string | undefined = undefined
  private _json: unknown = undefined

  constructor(
    readonly seq: number,
    readonly data: Buffer,
    readonly isBinary: boolean,
    readonly receivedAt: number,
  ) {}

  get text(): string {
    if (this._text === undefined) this._text = this.data.toString('utf8')
    return this._text
  }

  get json(): unknown {
    const v = this.tryJson()
    if (v === NOT_JSON) throw new SyntaxError(`message #${this.seq} is not JSON: ${preview(this, 80)}`)
    return v
  }

  /** The parsed JSON, or {@link NOT_JSON} for binary frames and text that does not parse. */
  tryJson(): unknown {
    if (this._json === undefined) {
      if (this.isBinary) this._json = NOT_JSON
      else {
        try {
          this._json = JSON.parse(this.text)
        } catch {
          this._json = NOT_JSON
        }
      }
    }
    return this._json
  }

  /** The value matchers see in raw mode: the text of text frames, the bytes of binary frames. */
  get value(): string | Buffer {
    return this.isBinary ? this.data : this.text
  }
}

export { NOT_JSON }

/** A short, single-line description of a message for error reports. */
export function preview(m: WsMessage, max = 200): string {
  if (m.isBinary) {
    const hex = [...m.data.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
    return `binary ${m.data.length} bytes <${hex}${m.data.length > 16 ? ' …' : ''}>`
  }
  const t = m.text.replace(/\s*\n\s*/g, ' ')
  return `text ${t.length > max ? `${t.slice(0, max)}… (${t.length} chars)` : t}`
}

/** Normalises what `ws` hands to a 'message' listener into one Buffer. */
export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

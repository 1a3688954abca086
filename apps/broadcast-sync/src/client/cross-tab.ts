/** The part of the BroadcastChannel API the emitter uses (browsers; Node ≥ 18 has it too). */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: { data: unknown }) => void) | null
}

export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike

interface Envelope<T> {
  from: string
  message: T
}

/**
 * Tab-to-tab messages on a `BroadcastChannel`: what one tab posts, every other tab (same origin, same
 * channel name) hears at once, without a server round trip. A tab does not hear its own messages.
 */
export class CrossTabEmitter<T> {
  readonly tabId = Math.random().toString(36).slice(2, 10)
  private readonly channel: BroadcastChannelLike
  private readonly listeners = new Set<(message: T) => void>()

  constructor(
    readonly name: string,
    Impl: BroadcastChannelConstructor | undefined = (
      globalThis as { BroadcastChannel?: BroadcastChannelConstructor }
    ).BroadcastChannel,
  ) {
    if (!Impl) throw new Error('no BroadcastChannel implementation in this environment')
    this.channel = new Impl(name)
    this.channel.onmessage = (event) => {
      const envelope = event.data as Envelope<T> | undefined
      if (!envelope || envelope.from === this.tabId) return
      for (const listener of [...this.listeners]) listener(envelope.message)
    }
  }

  post(message: T): void {
    this.channel.postMessage({ from: this.tabId, message } satisfies Envelope<T>)
  }

  on(listener: (message: T) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.listeners.clear()
    this.channel.onmessage = null
    this.channel.close()
  }
}

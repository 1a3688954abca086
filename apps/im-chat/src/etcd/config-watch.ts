import type { Namespace, Watcher } from 'etcd3'

export interface FanoutConfig {
  /** When false the active worker consumes but does not deliver (an operator's kill switch). */
  deliver: boolean
  /** The etcd revision the config came from (0: the default). */
  revision: number
}

export const CONFIG_KEY = 'config/fanout'
export const DEFAULT_CONFIG: FanoutConfig = { deliver: true, revision: 0 }

/** The fan-out worker's config, read once and then followed through an etcd watch (every change, in order). */
export class ConfigWatch {
  private watcher: Watcher | undefined
  current: FanoutConfig = DEFAULT_CONFIG
  readonly history: FanoutConfig[] = []

  constructor(
    private readonly etcd: Namespace,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    const watcher = await this.etcd.watch().key(CONFIG_KEY).create()
    this.watcher = watcher
    watcher.on('put', (kv) => this.apply(kv.value.toString(), Number(kv.mod_revision)))
    watcher.on('delete', (kv) => this.apply(null, Number(kv.mod_revision)))
    watcher.on('error', (error) => this.onError(error))
    const value = await this.etcd.get(CONFIG_KEY).string()
    if (value !== null && this.history.length === 0) this.apply(value, 0)
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel()
    this.watcher = undefined
  }

  private apply(raw: string | null, revision: number): void {
    let parsed: Partial<FanoutConfig> = {}
    try {
      parsed = raw === null ? {} : (JSON.parse(raw) as Partial<FanoutConfig>)
    } catch (error) {
      this.onError(new Error(`bad ${CONFIG_KEY} JSON at revision ${revision}: ${String(error)}`))
      return
    }
    this.current = { deliver: parsed.deliver !== false, revision }
    this.history.push(this.current)
  }
}

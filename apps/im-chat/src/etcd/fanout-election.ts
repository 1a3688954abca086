import { type Campaign, Election, type Namespace } from 'etcd3'

export interface ElectionEvents {
  onElected(): Promise<void>
  onDemoted(): Promise<void>
  onError(error: unknown): void
}

/**
 * Exactly one active fan-out worker: each instance campaigns in an etcd3 `Election`; the winner holds a lease
 * of `ttlSeconds`. If the holder dies its lease expires and a waiting instance is elected. A campaign that
 * fails (lease lost during a partition) demotes this instance and campaigns again.
 */
export class FanoutElection {
  private campaign: Campaign | undefined
  private stopped = false
  private leaderNow = false
  private readonly election: Election

  constructor(
    etcd: Namespace,
    private readonly instanceId: string,
    private readonly events: ElectionEvents,
    ttlSeconds = 2,
  ) {
    this.election = new Election(etcd, 'election/fanout', ttlSeconds)
  }

  get isLeader(): boolean {
    return this.leaderNow
  }

  /** The instance id currently holding the election, or undefined. */
  leader(): Promise<string | undefined> {
    return this.election.leader()
  }

  start(): void {
    if (this.stopped || this.campaign) return
    const campaign = this.election.campaign(this.instanceId)
    this.campaign = campaign
    campaign.on('elected', () => {
      if (this.campaign !== campaign) return
      this.leaderNow = true
      void this.events.onElected().catch((error) => this.events.onError(error))
    })
    campaign.on('error', (error) => {
      if (this.campaign !== campaign) return
      this.events.onError(error)
      this.campaign = undefined
      void this.demote().finally(() => {
        if (!this.stopped) setTimeout(() => this.start(), 200).unref()
      })
    })
  }

  /** Resigns (the next instance takes over at once) and stops campaigning. */
  async stop(): Promise<void> {
    this.stopped = true
    const campaign = this.campaign
    this.campaign = undefined
    await this.demote()
    await campaign?.resign().catch(() => undefined)
  }

  /** Stops campaigning WITHOUT resigning: the lease is left to expire, as when the process dies. */
  async abandon(): Promise<void> {
    this.stopped = true
    this.campaign = undefined
    await this.demote()
  }

  private async demote(): Promise<void> {
    if (!this.leaderNow) return
    this.leaderNow = false
    await this.events.onDemoted()
  }
}

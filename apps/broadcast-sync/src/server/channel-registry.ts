/**
 * Which local members (WebSocket connections) listen to which channels. `add`/`remove` report the channels
 * that went from no member to one, or from one to none: exactly the channels to SUBSCRIBE/UNSUBSCRIBE
 * upstream (Redis), so an instance listens only to channels one of its clients wants.
 */
export class ChannelRegistry<Member> {
  private readonly byChannel = new Map<string, Set<Member>>()
  private readonly byMember = new Map<Member, Set<string>>()

  /** Adds `member` to `channels`; returns the channels that had no member before. */
  add(member: Member, channels: readonly string[]): string[] {
    const opened: string[] = []
    const own = this.byMember.get(member) ?? new Set<string>()
    this.byMember.set(member, own)
    for (const channel of channels) {
      own.add(channel)
      let members = this.byChannel.get(channel)
      if (!members) {
        members = new Set()
        this.byChannel.set(channel, members)
        opened.push(channel)
      }
      members.add(member)
    }
    return opened
  }

  /** Removes `member` from `channels`; returns the channels left without members. */
  remove(member: Member, channels: readonly string[]): string[] {
    const closed: string[] = []
    const own = this.byMember.get(member)
    for (const channel of channels) {
      own?.delete(channel)
      const members = this.byChannel.get(channel)
      if (!members?.delete(member)) continue
      if (members.size === 0) {
        this.byChannel.delete(channel)
        closed.push(channel)
      }
    }
    if (own?.size === 0) this.byMember.delete(member)
    return closed
  }

  /** Removes `member` from every channel (it disconnected); returns the channels left without members. */
  removeMember(member: Member): string[] {
    const own = this.byMember.get(member)
    return own ? this.remove(member, [...own]) : []
  }

  members(channel: string): ReadonlySet<Member> {
    return this.byChannel.get(channel) ?? new Set()
  }

  channelsOf(member: Member): string[] {
    return [...(this.byMember.get(member) ?? [])].sort()
  }

  /** Every channel with at least one member. */
  channels(): string[] {
    return [...this.byChannel.keys()]
  }

  count(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0
  }
}

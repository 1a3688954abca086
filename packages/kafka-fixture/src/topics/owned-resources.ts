import { withTimeout } from '@infra/fixture-core'
import type { Admin } from 'kafkajs'
import { NameGenerator } from './topic-names.js'

/**
 * The topics and consumer groups a fixture created (names unique under its prefix), so that it deletes
 * only its own: external brokers are never cleaned of anything else.
 */
export class OwnedResources {
  private readonly names: NameGenerator
  private readonly topics = new Set<string>()
  private readonly groups = new Set<string>()

  constructor(prefix: string) {
    this.names = new NameGenerator(prefix)
  }

  /** A unique topic name under the prefix (not created, not recorded). */
  uniqueTopicName(): string {
    return this.names.next('t')
  }

  /** A unique consumer-group id under the prefix, recorded as ours. */
  uniqueGroupId(): string {
    const g = this.names.next('g')
    this.groups.add(g)
    return g
  }

  topicCreated(name: string): void {
    this.topics.add(name)
  }

  topicDeleted(name: string): void {
    this.topics.delete(name)
  }

  ownsTopic(name: string): boolean {
    return this.topics.has(name)
  }

  /** Deletes the recorded topics and the recorded groups that exist; best effort, bounded. */
  async deleteAll(adminPromise: Promise<Admin>): Promise<void> {
    const admin = await adminPromise.catch(() => undefined)
    if (!admin) return
    const own = [...this.topics]
    if (own.length) {
      await withTimeout(
        admin.deleteTopics({ topics: own, timeout: 10_000 }),
        15_000,
        'own topics to be deleted',
      ).catch(() => {})
    }
    const groups = [...this.groups]
    if (groups.length) {
      try {
        const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId))
        const mine = groups.filter((g) => existing.has(g))
        if (mine.length) await withTimeout(admin.deleteGroups(mine), 10_000, 'own groups to be deleted')
      } catch {
        // best effort: groups expire on their own
      }
    }
  }
}

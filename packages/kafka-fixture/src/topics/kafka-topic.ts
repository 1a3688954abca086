/**
 * A topic of one test (what `kafka.isolated()` and the vitest `topic` fixture give): its name, and a dispose
 * that deletes it. Every helper that takes a topic name takes this too (`kafka.produce(topic, 'x')`).
 *
 * ```ts
 * await using topic = await kafka.isolated({ partitions: 3 })
 * await kafka.produce(topic, 'order-1')
 * ```
 */
export class KafkaTopic implements AsyncDisposable {
  readonly name: string
  readonly partitions: number
  readonly #remove: (name: string) => Promise<void>
  #removed: Promise<void> | undefined

  /** @internal made by `KafkaFixture.isolated()` */
  constructor(name: string, partitions: number, remove: (name: string) => Promise<void>) {
    this.name = name
    this.partitions = partitions
    this.#remove = remove
  }

  toString(): string {
    return this.name
  }

  /**
   * Deletes the topic, once. Best effort: a delete that fails (brokers killed by the test) leaves the topic to
   * the fixture's `stop()` (which removes a local cluster's data and an external handle's own topics).
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.#removed ??= this.#remove(this.name).catch(() => {})
    return this.#removed
  }
}

/** A topic given by name or as a {@link KafkaTopic}. */
export type TopicRef = string | KafkaTopic

export function topicName(topic: TopicRef): string {
  return typeof topic === 'string' ? topic : topic.name
}

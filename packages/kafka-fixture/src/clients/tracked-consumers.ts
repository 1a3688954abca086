import type { Kafka } from 'kafkajs'
import { type JoinedConsumer, type JoinedConsumerOptions, startJoinedConsumer } from './consume.js'

/** Consumers a fixture started: each stops on its own or, at the latest, with the fixture. */
export class TrackedConsumers {
  private readonly consumers = new Set<JoinedConsumer>()

  /** Starts a joined consumer and tracks it until its `stop()`. */
  async start(client: Kafka, opts: JoinedConsumerOptions, groupId: string): Promise<JoinedConsumer> {
    const c = await startJoinedConsumer(client, opts, groupId)
    this.consumers.add(c)
    const stop = c.stop
    c.stop = async () => {
      this.consumers.delete(c)
      await stop()
    }
    c[Symbol.asyncDispose] = () => c.stop()
    return c
  }

  /** Stops every tracked consumer (errors ignored). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop().catch(() => {})))
  }
}

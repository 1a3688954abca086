import type { Kafka } from 'kafkajs'

export interface ChatTopicOptions {
  partitions?: number
  /** Default 3 (the seed's production setting); 1 for a single-broker dev setup. */
  replicationFactor?: number
  /** Default 2. */
  minInsyncReplicas?: number
}

/**
 * Creates the chat topic explicitly (KRaft answers UNKNOWN_TOPIC_OR_PARTITION while auto-creating) with RF 3
 * and min ISR 2, and waits for its leaders. Idempotent: an existing topic is left as it is.
 */
export async function ensureChatTopic(kafka: Kafka, topic: string, options: ChatTopicOptions = {}) {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const existing = await admin.listTopics()
    if (existing.includes(topic)) return
    await admin.createTopics({
      // not kafkajs's waitForLeaders: it retries only LEADER_NOT_AVAILABLE, and a KRaft broker that has not
      // heard of the topic yet answers UNKNOWN_TOPIC_OR_PARTITION; the loop below waits for it instead
      waitForLeaders: false,
      timeout: 30_000,
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 6,
          replicationFactor: options.replicationFactor ?? 3,
          configEntries: [{ name: 'min.insync.replicas', value: String(options.minInsyncReplicas ?? 2) }],
        },
      ],
    })
    // KRaft: brokers learn of a new topic one by one; wait until metadata shows a leader for every partition
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
        const partitions = topics[0]?.partitions ?? []
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return
      } catch (error) {
        if (Date.now() > deadline) throw error
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic}: no leader for every partition within 30 s`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await admin.disconnect()
  }
}

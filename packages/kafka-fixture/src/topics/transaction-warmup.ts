import { waitFor } from '@infra/fixture-core'
import { type FixtureBrokers, liveAddresses, metadataFrom } from '../broker/live-brokers.js'
import { findCoordinator, hostPort, initTransactionalProducer } from '../wire/kafka-wire.js'
import { waitForTopic } from './topic-metadata.js'

export const TRANSACTION_STATE_TOPIC = '__transaction_state'

/** Java's `String.hashCode()` (UTF-16 code units, 32-bit overflow). */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** The `__transaction_state` partition of a transactional id, as the broker computes it. */
export function transactionPartition(transactionalId: string, partitions: number): number {
  const h = javaStringHash(transactionalId)
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions
}

/** One transactional id per `__transaction_state` partition: `<prefix>txn-warmup-<n>`, index = partition. */
export function idsCoveringPartitions(prefix: string, partitions: number): string[] {
  const ids: (string | undefined)[] = Array.from({ length: partitions })
  let missing = partitions
  for (let n = 0; missing > 0 && n < 100_000; n++) {
    const id = `${prefix}txn-warmup-${n}`
    const p = transactionPartition(id, partitions)
    if (ids[p] === undefined) {
      ids[p] = id
      missing--
    }
  }
  return ids.filter((id): id is string => id !== undefined)
}

function firstLive(brokers: FixtureBrokers): { host: string; port: number } {
  const addr = liveAddresses(brokers)[0]
  if (!addr) throw new Error('no running broker')
  return hostPort(addr)
}

/**
 * Makes transactions ready: asks for a transaction coordinator (the broker creates
 * `__transaction_state`), waits until every partition of it has a leader on every running broker,
 * then has each partition's coordinator initialise one transactional id (InitProducerId answered
 * without COORDINATOR_LOAD_IN_PROGRESS / NOT_COORDINATOR). After this the first
 * `producer.transaction()` of any transactional id finds a loaded coordinator at once.
 */
export async function warmTransactions(
  brokers: FixtureBrokers,
  prefix: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const left = () => Math.max(1_000, deadline - Date.now())
  await waitFor(
    async () => {
      const { host, port } = firstLive(brokers)
      const c = await findCoordinator(host, port, `${prefix}txn-warmup`, 'transaction', { timeoutMs: 2_000 })
      if (c.errorCode !== 0) throw new Error(`FindCoordinator answered error code ${c.errorCode}`)
      return true
    },
    {
      what: `a transaction coordinator to be available (${TRANSACTION_STATE_TOPIC} created)`,
      timeoutMs: left(),
      intervalMs: 50,
    },
  )
  const { host, port } = firstLive(brokers)
  const md = await metadataFrom(`${host}:${port}`, [TRANSACTION_STATE_TOPIC])
  const partitions = md.topics.find((t) => t.name === TRANSACTION_STATE_TOPIC)?.partitions.length ?? 1
  await waitForTopic(brokers, TRANSACTION_STATE_TOPIC, { partitions, timeoutMs: left() })
  await Promise.all(
    idsCoveringPartitions(prefix, partitions).map((id, partition) =>
      waitFor(
        async () => {
          const b = firstLive(brokers)
          const c = await findCoordinator(b.host, b.port, id, 'transaction', { timeoutMs: 2_000 })
          if (c.errorCode !== 0) throw new Error(`FindCoordinator answered error code ${c.errorCode}`)
          const r = await initTransactionalProducer(c.host, c.port, id, { timeoutMs: 5_000 })
          if (r.errorCode !== 0) throw new Error(`InitProducerId answered error code ${r.errorCode}`)
          return true
        },
        {
          what: `the coordinator of ${TRANSACTION_STATE_TOPIC} partition ${partition} to initialise transactional id '${id}'`,
          timeoutMs: left(),
          intervalMs: 50,
        },
      ),
    ),
  )
}

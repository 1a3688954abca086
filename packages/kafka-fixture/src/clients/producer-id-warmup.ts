import { waitFor } from '@infra/fixture-core'
import { hostPort, initProducerId } from '../wire/kafka-wire.js'

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE: the id block is still on its way. */
const NOT_YET = new Set([14, 15])

/**
 * Makes each broker fetch its first block of producer ids, and resolves when all hand ids out.
 *
 * A fresh broker asks the controller for a block only when the first idempotent producer asks it for an
 * id, and answers COORDINATOR_LOAD_IN_PROGRESS until the block is there (~40 ms): kafkajs then backs off
 * for ~300 ms. Asked here right after the start — every 10 ms, bounded by `timeoutMs` — the first
 * producer of a test (the fixture's or the test's own) gets its id at once. `signal` ends the asking
 * early (the fixture stops: its brokers may be dead, and nobody waits for the ids any more).
 */
export async function warmProducerIds(
  addresses: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  await Promise.all(
    addresses.map((addr) => {
      const { host, port } = hostPort(addr)
      return waitFor(
        // only "not yet" is worth asking again; any other answer (e.g. an external cluster's
        // authorization error) ends the warm-up and the producer says it itself
        async () => !NOT_YET.has((await initProducerId(host, port, null, { timeoutMs: 1_000 })).errorCode),
        {
          what: `broker ${addr} to hand out producer ids (its first id block)`,
          timeoutMs,
          intervalMs: 10,
          signal,
        },
      )
    }),
  )
}

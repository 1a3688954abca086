import { waitFor } from '@infra/fixture-core'
import { hostPort, initProducerId } from '../wire/kafka-wire.js'

/**
 * Makes each broker fetch its first block of producer ids, and resolves when all hand ids out.
 *
 * A fresh broker asks the controller for a block only when the first idempotent producer asks it for an
 * id, and answers COORDINATOR_LOAD_IN_PROGRESS until the block is there (~40 ms): kafkajs then backs off
 * for ~300 ms. Asked here right after the start — every 10 ms, bounded by `timeoutMs` — the first
 * producer of a test (the fixture's or the test's own) gets its id at once.
 */
export async function warmProducerIds(addresses: readonly string[], timeoutMs: number): Promise<void> {
  await Promise.all(
    addresses.map((addr) => {
      const { host, port } = hostPort(addr)
      return waitFor(
        async () => (await initProducerId(host, port, null, { timeoutMs: 1_000 })).errorCode === 0,
        { what: `broker ${addr} to hand out producer ids (its first id block)`, timeoutMs, intervalMs: 10 },
      )
    }),
  )
}

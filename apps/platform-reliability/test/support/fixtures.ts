// The suites' `test`: the fixture packages' per-test resources, composed.
//   pgFixtures (@infra/pg-fixture/vitest)                 → `db` (own database), `pool`
//   redisFixtures (@infra/redis-fixture/vitest)           → `redis` (own namespace: the task queues)
//   clickhouseFixtures (@infra/clickhouse-fixture/vitest) → `clickhouse` (own database, tables migrated)
//   wsFixtures (@infra/ws-harness/vitest)                 → `connect` (clients closed after the test)
//   toxiproxyFixtures (@infra/toxiproxy-fixture/vitest)   → `toxiproxy` (links deleted after the test)
import { clickhouseFixtures } from '@infra/clickhouse-fixture/vitest'
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { toxiproxyFixtures } from '@infra/toxiproxy-fixture/vitest'
import { wsFixtures } from '@infra/ws-harness/vitest'
import { test as baseTest } from 'vitest'

export const test = baseTest
  .extend(pgFixtures)
  .extend(redisFixtures)
  .extend(clickhouseFixtures)
  .extend(wsFixtures)
  .extend(toxiproxyFixtures)

/** Polls `check` until it returns a value that is not undefined, or throws naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

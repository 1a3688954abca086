// Compile-time checks (tsc): the handle satisfies the one fixture shape, and mysqlFixtures composes with
// vitest's own test and other fixture sets without type arguments, in any order.
import type { FixtureServer } from '@infra/fixture-core'
import type mysql from 'mysql2/promise'
import { test as base } from 'vitest'
import type { Mysql, TestDatabase } from '../src/index.js'
import { createMysqlFixtures, type MysqlFixtures, mysqlFixtures } from '../src/vitest.js'

// the handle is a FixtureServer whose isolated resource is a TestDatabase (and a TestDatabase is AsyncDisposable)
export const shape: FixtureServer<TestDatabase> = null as unknown as Mysql
export const disposable: AsyncDisposable = null as unknown as TestDatabase
type IsolatedOf<S extends FixtureServer> = Awaited<ReturnType<S['isolated']>>
export const isolated: TestDatabase = null as unknown as IsolatedOf<Mysql>

export const composed = base.extend(mysqlFixtures).extend({ answer: 42 })
export const reversed = base.extend({ answer: 42 }).extend(createMysqlFixtures({ poolConnectionLimit: 2 }))

for (const t of [composed, reversed]) {
  t('types flow through', async ({ db, pool, mysqlServer, answer }) => {
    const ctx: MysqlFixtures = { db, pool, mysqlServer }
    const p: mysql.Pool = pool
    const n: number = answer
    void [ctx, p, n]
  })
}

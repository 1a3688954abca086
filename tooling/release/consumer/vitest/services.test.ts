// A real test another team would write: Postgres and Redis started once for the run by the global setups
// of the installed packages, a database and a Redis namespace of its own for each test.
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { test as baseTest, describe, expect, inject } from 'vitest'

// the contract's composition, as the README shows it: no type arguments (type-checked by tsc too)
const test = baseTest.extend(pgFixtures).extend(redisFixtures)

describe('installed @infra packages', () => {
  test('the global setups provided one server each to this worker', async ({ pgServer, redisServer }) => {
    expect(inject('infraPg').url).toBe(pgServer.url)
    expect(inject('infraRedis').port).toBe(redisServer.port)
  })

  // Both tests create the same table and key: they pass only if each test is isolated.
  test.for(['first', 'second'])(
    '%s test has its own database and Redis namespace',
    async (which, { db, pool, redis }) => {
      const { rows } = await pool.query<{ name: string }>('select current_database() as name')
      expect(rows[0]?.name).toBe(db.name)
      await pool.query('create table orders (id int primary key, note text)')
      await pool.query('insert into orders values (1, $1)', [which])
      const count = await pool.query<{ n: string }>('select count(*) as n from orders')
      expect(count.rows[0]?.n).toBe('1')

      const client = redis.client()
      expect(await client.setnx('order:1', which)).toBe(1)
      expect(await client.get('order:1')).toBe(which)
      expect(await client.dbsize()).toBe(1)
    },
  )
})

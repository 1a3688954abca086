const { isolatedPostgres, isolatedRedis } = require('@infra/cli/jest')
const pg = require('pg')
const Redis = require('ioredis')

const db = isolatedPostgres() // a fresh database per test
const ns = isolatedRedis() // a fresh Redis namespace per test

async function query(sql, params) {
  const client = new pg.Client({ connectionString: db().url })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows
  } finally {
    await client.end()
  }
}

test('the run-wide env is there', () => {
  expect(process.env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.*127\.0\.0\.1:\d+\//)
  expect(process.env.REDIS_URL).toMatch(/^redis:\/\/.*127\.0\.0\.1:\d+/)
})

test('a test writes into its own database', async () => {
  await query('create table orders (id int primary key)')
  await query('insert into orders values (1), (2)')
  expect(await query('select count(*)::int as n from orders')).toEqual([{ n: 2 }])
})

test('the next test does not see it', async () => {
  expect(db().url).not.toBe(process.env.DATABASE_URL)
  expect(await query("select to_regclass('public.orders') as t")).toEqual([{ t: null }])
})

test('each test has its own Redis namespace', async () => {
  const r = new Redis(ns().url, { maxRetriesPerRequest: 1 })
  try {
    await r.set(`${ns().prefix ?? ''}k`, 'v')
    expect(await r.get(`${ns().prefix ?? ''}k`)).toBe('v')
  } finally {
    r.disconnect()
  }
})

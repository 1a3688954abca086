import fs from 'node:fs'
import { test as base, expect, inject } from 'vitest'
import { redisFixtures } from '../../src/vitest.js'

// composes like any other fixture set
const test = base.extend(redisFixtures)

test('worker b uses the run server and its own DB', async ({ redis, redisServer }) => {
  const info = inject('infraRedis')
  expect(redisServer.port).toBe(info.port)
  expect(redisServer.provider).toBe('local')
  expect(redisServer.attached).toBe(true)
  const c = redis.client()
  await c.set('owner', 'b')
  await new Promise((r) => setTimeout(r, 300)) // overlap with the other worker
  expect(await c.get('owner')).toBe('b')
  expect(await c.dbsize()).toBe(1)
  const pid = Number((await redisServer.info('server')).process_id)
  fs.appendFileSync(
    process.env.GLOBAL_SETUP_REPORT!,
    `${JSON.stringify({ file: 'b', port: info.port, db: redis.db, pid })}\n`,
  )
})

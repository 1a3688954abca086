import { test as baseTest, expect } from 'vitest'
import { glue } from './demo-server.test-helper.js'

const test = baseTest.extend(glue({ url: 'demo://run' }).fixtures({ poolSize: 2 }))

test('attaches to the provided server; per-worker options still apply', ({ demoServer, demo }) => {
  expect(demoServer.url).toBe('demo://run')
  expect(demo.name).toMatch(/^ns/)
})

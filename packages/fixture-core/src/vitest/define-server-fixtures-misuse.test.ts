import { test as baseTest, expect } from 'vitest'
import { glue } from './demo-server.test-helper.js'

const test = baseTest.extend(glue({ url: 'demo://run' }).fixtures({ flavour: 'x' }))

test.fails('server options beside a global setup throw InvalidOptionsError', ({ demoServer }) => {
  expect(demoServer).toBeDefined()
})

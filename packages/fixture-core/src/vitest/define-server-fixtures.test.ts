import { test as baseTest, describe, expect, expectTypeOf } from 'vitest'
import { InvalidOptionsError } from '../errors.js'
import { rejectServerOptions } from '../lifecycle/server-fixture.js'
import { created, type DemoServer, glue, type Namespace } from './demo-server.test-helper.js'

const test = baseTest.extend(glue(undefined).fixtures())

describe('defineServerFixtures without a global setup', () => {
  test('gives the server and an isolated resource per test, typed', async ({ demoServer, demo }) => {
    expectTypeOf(demoServer).toEqualTypeOf<DemoServer>()
    expectTypeOf(demo).toEqualTypeOf<Namespace>()
    expect(demoServer.url).toBe('demo://own')
    expect(demo.released).toBe(false)
  })

  test('released the previous test’s resource', () => {
    expect(created.length).toBeGreaterThan(0)
    expect(created[0]!.released).toBe(true)
  })

  test('the global setup provides the info and stops the server', async () => {
    const provideCalls: [string, unknown][] = []
    const teardown = await glue(undefined).globalSetup()({
      provide: (key, value) => provideCalls.push([key, value]),
    })
    expect(provideCalls).toEqual([['infraDemo', { url: 'demo://own' }]])
    await teardown()
  })

  test('server options beside a global setup are a typed error', () => {
    expect(() => rejectServerOptions({ flavour: 'x' }, { fixtures: 'f()', globalSetup: 'g()' })).toThrow(
      InvalidOptionsError,
    )
  })
})

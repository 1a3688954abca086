import { type FixtureServer, InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { WsClient } from '../client/client.js'
import { connect } from '../client/client.js'
import { connectMany } from '../client/many.js'
import type { SharedWsServer } from './attached-server.js'
import { attachWsServer } from './attached-server.js'
import { startWsServer, type WsServer } from './server.js'

async function rejection(p: Promise<unknown>): Promise<InvalidOptionsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InvalidOptionsError)
  return err as InvalidOptionsError
}

// Nothing here listens or connects: the checks come before any socket.
describe('strict options', () => {
  it('an unknown key throws InvalidOptionsError naming the nearest option', async () => {
    const server = await rejection(startWsServer({ heartbeat: 100 } as never))
    expect(server.option).toBe('heartbeat')
    expect(server.message).toContain("Did you mean 'heartbeatMs'?")
    const client = await rejection(connect('ws://127.0.0.1:1/', { timeout: 100 } as never))
    expect(client.message).toContain("Did you mean 'timeoutMs'?")
    const many = await rejection(connectMany('ws://127.0.0.1:1/', 2, { concurency: 2 } as never))
    expect(many.message).toContain("Did you mean 'concurrency'?")
  })

  it('bad values name the option', async () => {
    expect((await rejection(connect('ws://127.0.0.1:1/', { timeoutMs: 0 }))).option).toBe('timeoutMs')
    expect((await rejection(startWsServer({ expectTimeoutMs: -1 }))).option).toBe('expectTimeoutMs')
  })
})

describe('the fixture shape (type-level)', () => {
  it('WsServer and the attached handle are FixtureServers whose isolated resource is a WsClient', () => {
    expectTypeOf<WsServer>().toExtend<FixtureServer<WsClient>>()
    expectTypeOf<WsServer>().toExtend<SharedWsServer>()
    expectTypeOf<Awaited<ReturnType<WsServer['isolated']>>>().toEqualTypeOf<WsClient>()
  })

  it('a handle on a global setup’s server reports its provider and refuses server control', async () => {
    const attached = attachWsServer({ url: 'ws://127.0.0.1:1/x', provider: 'local' })
    expect(attached.provider).toBe('local')
    expect(attached.env()).toEqual({ WS_URL: 'ws://127.0.0.1:1/x' })
    await expect(attached.kill()).rejects.toThrow(/kill\(\) is not available on a local ws fixture/)
    await attached.stop()
    await expect(attached.pause()).rejects.toThrow(/it is stopped/)
  })
})

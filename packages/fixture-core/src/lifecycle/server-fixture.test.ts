import { describe, expect, it } from 'vitest'
import { InvalidOptionsError } from '../errors.js'
import { rejectServerOptions, sharedServerFixture } from './server-fixture.js'

const names = { fixtures: 'createThingFixtures()', globalSetup: 'thingGlobalSetup()' }

class FakeServer {
  stopped = false
  constructor(readonly from: string) {}
  async stop(): Promise<void> {
    this.stopped = true
  }
}

/** Runs the worker fixture once the way vitest would, returning what `use` got. */
async function runFixture(fixture: unknown): Promise<FakeServer> {
  const [fn, options] = fixture as [
    (ctx: object, use: (s: FakeServer) => Promise<void>) => Promise<void>,
    object,
  ]
  expect(options).toEqual({ scope: 'worker' })
  let seen: FakeServer | undefined
  await fn({}, async (server) => {
    seen = server
    expect(server.stopped).toBe(false)
  })
  return seen!
}

describe('sharedServerFixture', () => {
  it('attaches to what the global setup provided, and stops the handle after the worker', async () => {
    const server = await runFixture(
      sharedServerFixture({
        ...names,
        injected: () => ({ url: 'x://provided' }),
        attach: (info) => new FakeServer(info.url),
        start: async () => new FakeServer('started'),
        serverOptions: { poolSize: 1 },
        perWorkerOptions: ['poolSize'],
      }),
    )
    expect(server.from).toBe('x://provided')
    expect(server.stopped).toBe(true)
  })

  it('starts a server of its own (with the fixture options) when there is no global setup', async () => {
    const server = await runFixture(
      sharedServerFixture({
        ...names,
        injected: () => undefined,
        attach: () => new FakeServer('attached'),
        start: async () => new FakeServer('started'),
        serverOptions: { migrations: './m' },
      }),
    )
    expect(server.from).toBe('started')
    expect(server.stopped).toBe(true)
  })

  it('throws InvalidOptionsError when fixture options for the server meet a global setup', async () => {
    const fixture = sharedServerFixture({
      ...names,
      injected: () => ({ url: 'x://provided' }),
      attach: () => new FakeServer('attached'),
      start: async () => new FakeServer('started'),
      serverOptions: { migrations: './m' },
    })
    await expect(runFixture(fixture)).rejects.toThrow(InvalidOptionsError)
  })
})

describe('rejectServerOptions', () => {
  it('passes with no options, undefined values, or only per-worker ones', () => {
    rejectServerOptions({}, names)
    rejectServerOptions({ migrations: undefined, poolSize: 2 }, names, ['poolSize'])
  })

  it('names the options, where they belong, and what applies per worker', () => {
    const error = (() => {
      try {
        rejectServerOptions({ migrations: './m', durable: true, poolSize: 1 }, names, ['poolSize'])
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionsError)
    expect((error as InvalidOptionsError).option).toBe('migrations')
    expect((error as Error).message).toBe(
      "Invalid option 'migrations': createThingFixtures() got 'migrations', 'durable', but thingGlobalSetup() " +
        "provides this run's server, so these options would not apply. Give them to thingGlobalSetup() only " +
        '(options that apply per worker: poolSize), or drop the global setup to start a server per worker.',
    )
  })
})

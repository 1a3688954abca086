import { describe, expect, it } from 'vitest'
import { InvalidOptionsError } from '../errors.js'
import { composeGlobalSetups, serverGlobalSetup } from './global-setups.js'

interface Provider {
  provide(key: string, value: unknown): void
}

/** A setup that records its start and stop in `log`, provides its name, and fails when told to. */
function recording(
  name: string,
  log: string[],
  opts: { fail?: 'setup' | 'teardown'; noTeardown?: boolean } = {},
) {
  return async (project: Provider) => {
    log.push(`start ${name}`)
    if (opts.fail === 'setup') throw new Error(`${name} failed to start`)
    project.provide(name, true)
    if (opts.noTeardown) return undefined
    return async () => {
      log.push(`stop ${name}`)
      if (opts.fail === 'teardown') throw new Error(`${name} failed to stop`)
    }
  }
}

function project(): Provider & { provided: Record<string, unknown> } {
  const provided: Record<string, unknown> = {}
  return {
    provided,
    provide: (key, value) => {
      provided[key] = value
    },
  }
}

describe('composeGlobalSetups', () => {
  it('starts the setups in order with the same project and tears them down in reverse', async () => {
    const log: string[] = []
    const p = project()
    const teardown = await composeGlobalSetups(
      recording('a', log),
      recording('b', log),
      recording('c', log),
    )(p)
    expect(p.provided).toEqual({ a: true, b: true, c: true })
    expect(log).toEqual(['start a', 'start b', 'start c'])
    await teardown()
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a'])
    await teardown() // idempotent
    expect(log).toHaveLength(6)
  })

  it('when a later setup fails, stops the started ones (reverse order) and rethrows its error', async () => {
    const log: string[] = []
    const composed = composeGlobalSetups(
      recording('a', log),
      recording('b', log),
      recording('c', log, { fail: 'setup' }),
      recording('d', log),
    )
    await expect(composed(project())).rejects.toThrow('c failed to start')
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop b', 'stop a'])
  })

  it('reports a failing cleanup together with the setup error', async () => {
    const log: string[] = []
    const composed = composeGlobalSetups(
      recording('a', log, { fail: 'teardown' }),
      recording('b', log, { fail: 'setup' }),
    )
    const error = await composed(project()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).message).toMatch(/global setup 2 of 2 failed/)
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'b failed to start',
      'a failed to stop',
    ])
  })

  it('runs every teardown even when one throws, then rethrows', async () => {
    const log: string[] = []
    const teardown = await composeGlobalSetups(
      recording('a', log),
      recording('b', log, { fail: 'teardown' }),
    )(project())
    await expect(teardown()).rejects.toThrow('b failed to stop')
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a'])
  })

  it('accepts setups without a teardown, sync ones, and none at all', async () => {
    const log: string[] = []
    const sync = (p: Provider) => {
      p.provide('sync', 1)
      return () => void log.push('stop sync')
    }
    const teardown = await composeGlobalSetups(recording('a', log, { noTeardown: true }), sync)(project())
    await teardown()
    expect(log).toEqual(['start a', 'stop sync'])
    await (await composeGlobalSetups()(project()))()
  })

  it('rejects what is not a function before anything starts', () => {
    expect(() => composeGlobalSetups(recording('a', []), 'b' as never)).toThrow(InvalidOptionsError)
  })

  it('types the project as what every setup needs', async () => {
    const pg = async (p: { provide(key: 'infraPg', value: { url: string }): void }) => {
      p.provide('infraPg', { url: 'postgres://' })
    }
    const redis = async (p: { provide(key: 'infraRedis', value: { port: number }): void }) => {
      p.provide('infraRedis', { port: 1 })
    }
    const composed = composeGlobalSetups(pg, redis)
    const both: Parameters<typeof composed>[0] = { provide: () => {} }
    const onlyPg = { provide: (_key: 'infraPg', _value: { url: string }) => {} }
    // @ts-expect-error a project that can provide only one of the two keys does not fit
    const wrong: Parameters<typeof composed>[0] = onlyPg
    void wrong
    await (await composed(both))()
  })
})

describe('serverGlobalSetup', () => {
  class Server {
    stops = 0
    async stop(): Promise<void> {
      this.stops++
    }
  }

  it('starts the server, provides its info, and returns the teardown that stops it', async () => {
    const server = new Server()
    const p = project()
    const teardown = await serverGlobalSetup(
      async () => server,
      (target: Provider, s) => target.provide('thing', s.stops),
    )(p)
    expect(p.provided).toEqual({ thing: 0 })
    await teardown()
    expect(server.stops).toBe(1)
  })

  it('stops the server when providing fails, and rethrows', async () => {
    const server = new Server()
    const setup = serverGlobalSetup(
      async () => server,
      async () => {
        throw new Error('pool preparation failed')
      },
    )
    await expect(setup(project())).rejects.toThrow('pool preparation failed')
    expect(server.stops).toBe(1)
  })
})

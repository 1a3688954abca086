import { describe, expect, it } from 'vitest'
import { MissingFixturePackageError } from '../errors.js'
import { parseServiceArg } from './request.js'
import { loadFixture } from './start-all.js'

describe('loadFixture', () => {
  it('names the package to install when a fixture package is missing', async () => {
    const pg = parseServiceArg('pg')
    const missing = {
      ...pg,
      kind: {
        ...pg.kind,
        packageName: '@infra/no-such-fixture',
        load: () => import('@infra/no-such-fixture' as string),
      },
    }
    const err = await loadFixture(missing).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MissingFixturePackageError)
    expect((err as Error).message).toMatch(
      /needs the package @infra\/no-such-fixture.*npm i -D @infra\/no-such-fixture/,
    )
  })

  it('loads an installed one', async () => {
    const mod = await loadFixture(parseServiceArg('redis'))
    expect(typeof mod.startRedis).toBe('function')
  })
})

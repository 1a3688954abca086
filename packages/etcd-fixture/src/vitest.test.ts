import { InvalidOptionsError } from '@infra/fixture-core'
import { composeGlobalSetups as coreCompose } from '@infra/fixture-core/vitest'
import { describe, expect, it, vi } from 'vitest'
import { composeGlobalSetups, createEtcdFixtures, etcdFixtures, etcdGlobalSetup, test } from './vitest.js'

type WorkerFixture = [
  (ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>,
  { scope: string },
]

// Nothing here starts etcd: the shapes, and the option checks that come before any start.
describe('@infra/etcd-fixture/vitest', () => {
  it('etcdServer is a worker-scoped fixture, etcd a per-test one that depends on it', () => {
    const [fn, opts] = etcdFixtures.etcdServer as unknown as WorkerFixture
    expect(typeof fn).toBe('function')
    expect(opts).toEqual({ scope: 'worker' })
    expect(String(etcdFixtures.etcd)).toMatch(/\{ etcdServer \}/)
    expect(Object.keys(etcdFixtures).sort()).toEqual(['etcd', 'etcdServer'])
  })

  it('the ready test is vitest’s test extended with the fixtures; composeGlobalSetups is fixture-core’s', () => {
    expect(typeof test.extend).toBe('function')
    expect(composeGlobalSetups).toBe(coreCompose)
  })

  it('etcdGlobalSetup checks its options before starting anything', async () => {
    const provide = vi.fn()
    await expect(etcdGlobalSetup({ nodes: 2 as 3 })({ provide })).rejects.toBeInstanceOf(InvalidOptionsError)
    expect(provide).not.toHaveBeenCalled()
  })

  it('without a global setup, the worker’s cluster gets the fixture options (checked first)', async () => {
    const [fn] = createEtcdFixtures({ nodse: 3 } as never).etcdServer as unknown as WorkerFixture
    const use = vi.fn(async () => {})
    await expect(fn({}, use)).rejects.toThrow(/Did you mean 'nodes'/)
    expect(use).not.toHaveBeenCalled()
  })
})

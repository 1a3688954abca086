import fs from 'node:fs'
import { InvalidOptionsError, UnsupportedOperationError } from '@infra/fixture-core'
import { expect, inject } from 'vitest'
import { createEtcdFixtures, test } from '../../src/vitest.js'

// Runs under test/global-setup/vitest.config.ts (a nested run started by src/vitest.integration.test.ts).
type WorkerFixture = [(ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>, object]

test("a worker's handle on the global setup's cluster: namespaces yes, faults no", async ({
  etcdServer,
  etcd,
}) => {
  expect(etcdServer.endpoints).toEqual(inject('infraEtcd').endpoints)
  expect(etcdServer.endpoints).toHaveLength(3)
  expect(etcdServer.provider).toBe('local')
  await etcd.client().put('k').value('v')
  expect(await etcdServer.client().get(etcd.key('k'))).toBe('v')
  expect((await etcdServer.members()).filter((m) => m.isLeader)).toHaveLength(1)
  await expect(etcdServer.killLeader()).rejects.toBeInstanceOf(UnsupportedOperationError)
  fs.appendFileSync(
    process.env.GLOBAL_SETUP_REPORT!,
    `${JSON.stringify({ endpoints: etcdServer.endpoints, key: etcd.key('k') })}\n`,
  )
})

test('cluster options for the fixtures conflict with the global setup: InvalidOptionsError, not ignored', async () => {
  const [serverFixture] = createEtcdFixtures({ nodes: 5 }).etcdServer as unknown as WorkerFixture
  let used = false
  const error = await serverFixture({}, async () => {
    used = true
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(
    /createEtcdFixtures\(\) got 'nodes'.*etcdGlobalSetup\(\).*keyPrefix/s,
  )
  expect(used).toBe(false)
})

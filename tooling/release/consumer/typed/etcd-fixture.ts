// Typed usage of @infra/etcd-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  connectEtcd,
  type Etcd,
  type EtcdConnectionInfo,
  type EtcdNamespace,
  type EtcdOptions,
  startEtcd,
} from '@infra/etcd-fixture'
import { createEtcdFixtures, type EtcdFixtures, etcdGlobalSetup } from '@infra/etcd-fixture/vitest'

const options: EtcdOptions = { nodes: 1 }

export async function etcdUsage(): Promise<EtcdConnectionInfo> {
  await using etcd: Etcd = await startEtcd(options)
  const namespace: EtcdNamespace = await etcd.isolated()
  await namespace.client().put('k').value('v')
  const value: string | null = await namespace.client().get('k').string()
  await namespace.release()
  const endpoints: string[] = etcd.endpoints
  const shape = connectEtcd(etcd.connectionInfo)
  await shape.stop()
  void value
  void endpoints
  return etcd.connectionInfo
}

export const setup = etcdGlobalSetup(options)
export const fixtures = createEtcdFixtures()
export type Prefix = EtcdFixtures['etcd']['prefix']

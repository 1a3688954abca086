// Typed usage of @infra/toxiproxy-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  connectToxiproxy,
  type Link,
  startToxiproxy,
  type Toxic,
  type Toxiproxy,
  type ToxiproxyConnectionInfo,
  type ToxiproxyOptions,
  type ToxiproxyScope,
} from '@infra/toxiproxy-fixture'
import {
  createToxiproxyFixtures,
  type ToxiproxyFixtures,
  toxiproxyGlobalSetup,
} from '@infra/toxiproxy-fixture/vitest'

const options: ToxiproxyOptions = { startTimeoutMs: 10_000 }

export async function toxiproxyUsage(upstream: {
  host: string
  port: number
}): Promise<ToxiproxyConnectionInfo> {
  await using toxiproxy: Toxiproxy = await startToxiproxy(options)
  const scope: ToxiproxyScope = await toxiproxy.isolated()
  const link: Link = await scope.proxy(upstream, 'db')
  const toxic: Toxic = await link.latency(100)
  await link.down()
  await link.up()
  await link.clear()
  await scope.release()
  const attached: Toxiproxy = connectToxiproxy(toxiproxy.connectionInfo)
  await attached.stop()
  void toxic
  return toxiproxy.connectionInfo
}

export const setup = toxiproxyGlobalSetup(options)
export const fixtures = createToxiproxyFixtures()
export type Links = ToxiproxyFixtures['toxiproxy']['links']

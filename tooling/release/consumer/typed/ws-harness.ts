// Typed usage of @infra/ws-harness as a consumer writes it: type-checked by tsc --noEmit, not run.
import { connect, startWsServer, type WsClient, type WsServer } from '@infra/ws-harness'
import { type WsFixtures, wsFixtures, test as wsTest } from '@infra/ws-harness/vitest'

export async function wsUsage(): Promise<number> {
  await using server: WsServer = await startWsServer()
  await using client: WsClient = await connect(server.url)
  client.sendJson({ type: 'hello' })
  const delivered: number = server.broadcast({ type: 'welcome' })
  await server.restart()
  return delivered
}

export const fixtureNames: (keyof WsFixtures)[] = Object.keys(wsFixtures) as (keyof WsFixtures)[]
export const wsTestFn: typeof wsTest = wsTest

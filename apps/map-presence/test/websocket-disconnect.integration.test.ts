// Seed 000, error handling (3/3): WebSocket disconnections and reconnection, and connections the server
// must refuse.
import { connect } from '@infra/ws-harness'
import { describe, expect } from 'vitest'
import { CloseCodes } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

describe('error handling: WebSocket disconnects', () => {
  test('a client that drops is announced as left; on reconnect its welcome has the moves it missed', async ({
    api,
    openClient,
  }) => {
    await api.map('square')
    const alice = await api.session('alice', 'square', 0, 0)
    const bob = await api.session('bob', 'square', 0, 0)
    const aliceClient = await openClient(alice)
    const bobClient = await openClient(bob)
    await aliceClient.waitForJson({ type: 'presence_joined', data: { sessionId: bob.id } })

    bobClient.terminate() // abrupt: no close frame
    await aliceClient.waitForJson({ type: 'presence_left', data: { sessionId: bob.id, userId: 'bob' } })

    // the world moves on while bob is away
    expectStatus(await api.move(alice.id, 1, 1), 200)
    expectStatus(await api.move(alice.id, 2, 2), 200)
    expectStatus(await api.move(bob.id, 9, 9), 200) // bob's other device, over HTTP

    const again = await openClient(bob, { welcome: false })
    const welcome = await again.expectJson({ type: 'welcome' })
    expect(welcome.data.peers).toEqual(
      expect.arrayContaining([
        { sessionId: alice.id, userId: 'alice', lat: 2, lng: 2, seq: 2 },
        { sessionId: bob.id, userId: 'bob', lat: 9, lng: 9, seq: 1 },
      ]),
    )
    await aliceClient.waitForJson({ type: 'presence_joined', data: { sessionId: bob.id } })

    // and the live stream continues where the snapshot ended
    aliceClient.sendJson({ type: 'avatar_movement', data: { lat: 3, lng: 3 } })
    await again.expectJson({ type: 'avatar_movement', data: { sessionId: alice.id, seq: 3, lat: 3 } })
  })

  test('a client closing cleanly mid-stream does not disturb the others, who still get every move in order', async ({
    api,
    openClient,
  }) => {
    await api.map('track')
    const runner = await api.session('runner', 'track')
    const stays = await openClient(await api.session('stays', 'track'))
    const leaves = await openClient(await api.session('leaves', 'track'))
    const runnerClient = await openClient(runner)

    for (let step = 1; step <= 20; step++) {
      runnerClient.sendJson({ type: 'avatar_movement', data: { lat: step, lng: 0 } })
      if (step === 5) await leaves.close(1000, 'bye')
    }
    const moves = stays.filter({ type: 'avatar_movement' })
    for (let seq = 1; seq <= 20; seq++) await moves.expectJson({ data: { sessionId: runner.id, seq } })
    expect(leaves.closeInfo).toMatchObject({ code: 1000 })
  })

  test('the server going away closes clients with 1001; a new instance serves the same state to reconnecting clients', async ({
    api,
    startApp,
    openClient,
  }) => {
    const first = await startApp()
    await first.api.map('ferry')
    const captain = await first.api.session('captain', 'ferry', 1, 1)
    const client = await openClient(captain, { app: first.app })

    await first.app.close()
    await client.expectClosed(CloseCodes.shuttingDown)

    const second = await startApp()
    const reconnected = await openClient(captain, { app: second.app, welcome: false })
    const welcome = await reconnected.expectJson({ type: 'welcome' })
    expect(welcome.data.peers).toEqual([{ sessionId: captain.id, userId: 'captain', lat: 1, lng: 1, seq: 0 }])
    reconnected.sendJson({ type: 'avatar_movement', data: { lat: 2, lng: 2 } })
    await reconnected.expectJson({ type: 'avatar_movement', data: { seq: 1 } })
    expect(expectStatus(await api.getSession(captain.id), 200).session.moveSeq).toBe(1)
  })

  test('a half-open client that stops answering pings is dropped by the heartbeat and announced as left', async ({
    startApp,
    openClient,
    connect,
  }) => {
    const { app, api } = await startApp({ heartbeatIntervalMs: 400 }) // dropped after ~3 intervals
    await api.map('field')
    const healthy = await api.session('healthy', 'field')
    const silent = await api.session('silent', 'field')
    const healthyClient = await openClient(healthy, { app })
    // a client whose network vanished: it still holds the socket but never answers pings
    const silentClient = await connect(app.wsUrl, {
      query: { sessionId: silent.id, userId: 'silent', mapId: 'field' },
      autoPong: false,
      expectTimeoutMs: 10_000,
    })
    await silentClient.expectJson({ type: 'welcome' })
    await healthyClient.waitForJson({ type: 'presence_joined', data: { sessionId: silent.id } })

    await healthyClient.waitForJson({ type: 'presence_left', data: { sessionId: silent.id } })
    await silentClient.expectClosed(1006) // terminated: no close frame
    expect(silentClient.closeInfo).toMatchObject({ code: 1006 })

    // the healthy client answered every ping and is still served
    expect(healthyClient.closeInfo).toBeUndefined()
    expectStatus(await api.move(healthy.id, 1, 1), 200)
    await healthyClient.waitForJson({ type: 'avatar_movement', data: { sessionId: healthy.id, seq: 1 } })
    expect(app.clientCount).toBe(1)
  })

  test('connections without a valid session are refused with a close code saying why', async ({
    api,
    app,
  }) => {
    await api.map('vault')
    await api.map('other')
    const owner = await api.session('owner', 'vault')
    const ended = await api.session('gone', 'vault')
    expectStatus(await api.endSession(ended.id), 200)
    const attempts: Array<[Record<string, string>, number]> = [
      [{ userId: 'owner', mapId: 'vault' }, CloseCodes.badRequest],
      [{ sessionId: 'nope', userId: 'owner', mapId: 'vault' }, CloseCodes.badRequest],
      [
        { sessionId: '00000000-0000-4000-8000-000000000000', userId: 'x', mapId: 'vault' },
        CloseCodes.notFound,
      ],
      [{ sessionId: ended.id, userId: 'gone', mapId: 'vault' }, CloseCodes.notFound],
      [{ sessionId: owner.id, userId: 'intruder', mapId: 'vault' }, CloseCodes.forbidden],
      [{ sessionId: owner.id, userId: 'owner', mapId: 'other' }, CloseCodes.forbidden],
    ]
    for (const [query, code] of attempts) {
      const client = await connect(app.wsUrl, { query })
      try {
        await client.expectClosed(code)
        expect(client.messages).toEqual([])
      } finally {
        client.terminate()
      }
    }
    await expect.poll(() => app.clientCount, { timeout: 5_000 }).toBe(0)
  })

  test('malformed frames get an error reply and the connection stays usable', async ({ api, openClient }) => {
    await api.map('lab')
    const tester = await api.session('tester', 'lab')
    const client = await openClient(tester)
    client.send('not json')
    await client.expectJson({
      type: 'error',
      data: { code: 'invalid_message', message: 'frames must be JSON' },
    })
    client.sendJson({ type: 'teleport' })
    await client.expectJson({ type: 'error', data: { message: 'unknown message type "teleport"' } })
    client.sendJson({ type: 'avatar_movement', data: { lat: 'north' } })
    await client.expectJson({ type: 'error', data: { code: 'invalid_message' } })
    client.sendJson({ type: 'avatar_movement', data: { lat: 1, lng: 1 } })
    await client.expectJson({ type: 'avatar_movement', data: { seq: 1 } })
  })
})

import { describe, expect, it } from 'vitest'
import { BroadcastClient } from './broadcast-client.js'

// The connection behaviour (states, backoff reconnects, resubscribe) is tested against the real backend in
// test/client-node.integration.test.ts; here only what needs no server.
describe('BroadcastClient', () => {
  it('refuses a URL that is not ws:// or wss://, saying what it got', () => {
    expect(() => new BroadcastClient('http://127.0.0.1:1/ws')).toThrow(
      /expected a ws:\/\/ or wss:\/\/ URL.*http:/,
    )
    expect(() => new BroadcastClient('not a url')).toThrow(/invalid URL "not a url"/)
  })

  it('starts closed, with no channels, and close() before connect() is harmless', () => {
    const client = new BroadcastClient('ws://127.0.0.1:1/ws')
    expect(client.state).toBe('closed')
    expect(client.channels).toEqual([])
    client.close()
    expect(client.state).toBe('closed')
  })

  it('remembers channels while closed and forgets one when its last handler leaves', () => {
    const client = new BroadcastClient('ws://127.0.0.1:1/ws')
    const offA = client.subscribe('orders', () => {})
    const offB = client.subscribe('orders', () => {})
    client.subscribe('news', () => {})
    offA()
    expect(client.channels.sort()).toEqual(['news', 'orders'])
    offB()
    expect(client.channels).toEqual(['news'])
    expect(client.isSubscribed('news')).toBe(false) // not acknowledged: never connected
  })
})

import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CrossTabEmitter } from './cross-tab.js'
import { waitUntil } from './wait.js'

// Node's own BroadcastChannel (the same API as the browser's), no stand-in.
describe('CrossTabEmitter', () => {
  const opened: Array<{ close(): void }> = []
  const open = <T>(name: string) => {
    const emitter = new CrossTabEmitter<T>(name)
    opened.push(emitter)
    return emitter
  }
  afterEach(() => {
    for (const emitter of opened.splice(0)) emitter.close()
  })

  it('delivers a message to the other tabs on the channel, not to the sender nor other channels', async () => {
    const name = `tabs-${randomUUID()}`
    const tabs = { one: open<string>(name), two: open<string>(name), three: open<string>(name) }
    const elsewhere = open<string>(`other-${randomUUID()}`)
    const heard: string[] = []
    for (const [label, emitter] of Object.entries({ ...tabs, elsewhere })) {
      emitter.on((message) => heard.push(`${label}:${message}`))
    }

    tabs.one.post('hello')

    await vi.waitFor(() => expect(heard.length).toBe(2), { timeout: 2_000 })
    await new Promise((resolve) => setTimeout(resolve, 50)) // and nothing else arrives
    expect(heard.sort()).toEqual(['three:hello', 'two:hello'])
  })

  it('stops delivering to a listener after its off function ran', async () => {
    const name = `tabs-${randomUUID()}`
    const [one, two] = [open<number>(name), open<number>(name)]
    const heard: number[] = []
    const off = two.on((n) => heard.push(n))
    one.post(1)
    await vi.waitFor(() => expect(heard).toEqual([1]), { timeout: 2_000 })

    off()
    one.post(2)

    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(heard).toEqual([1])
  })
})

describe('waitUntil', () => {
  it('resolves at once when the condition already holds, and rejects after the timeout naming its goal', async () => {
    await expect(
      waitUntil(
        'one',
        20,
        () => 1,
        () => () => {},
        (n) => n === 1,
      ),
    ).resolves.toBe(1)
    await expect(
      waitUntil(
        'the moon',
        20,
        () => 0,
        () => () => {},
        (n) => n > 0,
      ),
    ).rejects.toThrow(/timed out after 20 ms waiting for the moon/)
  })
})

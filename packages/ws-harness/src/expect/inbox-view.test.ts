import { describe, expect, it } from 'vitest'
import { MessageInbox } from '../client/message-inbox.js'
import { WsExpectationError } from '../errors.js'
import { InboxView } from './inbox-view.js'

function setup(opts: { historyLimit?: number } = {}) {
  const inbox = new MessageInbox('test socket', 200, opts.historyLimit)
  const view = new InboxView(inbox)
  const text = (t: string) => inbox.push(Buffer.from(t), false)
  const json = (v: unknown) => text(JSON.stringify(v))
  return { inbox, view, text, json }
}

describe('InboxView over a MessageInbox', () => {
  it('serves waiters in order and queues the rest', async () => {
    const { view, json } = setup()
    const first = view.expectJson({ n: 1 })
    const second = view.expectJson({ n: 2 })
    json({ n: 1 })
    json({ n: 2 })
    json({ n: 3 })
    await expect(first).resolves.toEqual({ n: 1 })
    await expect(second).resolves.toEqual({ n: 2 })
    expect(view.pending.map((m) => m.json)).toEqual([{ n: 3 }])
  })

  it('waitFor consumes skipped messages; filter views leave others queued', async () => {
    const { view, json } = setup()
    json({ t: 'a' })
    json({ t: 'b' })
    json({ t: 'c' })
    const only = view.filter({ t: 'c' })
    await only.expectJson()
    expect(view.pending).toHaveLength(2)
    await view.waitForJson({ t: 'b' })
    expect(view.pending).toHaveLength(0)
  })

  it('a close fails waiting expectations at once and resolves expectClosed', async () => {
    const { inbox, view } = setup()
    const waiting = view.expect('x', { timeoutMs: 10_000 })
    const closed = view.expectClosed(4000)
    inbox.markClosed({ code: 4000, reason: 'bye' })
    const err = (await waiting.catch((e: unknown) => e)) as WsExpectationError
    expect(err).toBeInstanceOf(WsExpectationError)
    expect(err.kind).toBe('closed')
    expect(err.message).toContain('the socket closed (code 4000 "bye")')
    await expect(closed).resolves.toEqual({ code: 4000, reason: 'bye' })
    await expect(view.expect()).rejects.toThrow(/closed/)
  })

  it('timeout reports list the history and the closest candidate', async () => {
    const { view, json } = setup()
    json({ type: 'x', v: 1 })
    await view.next()
    const err = (await view
      .expectJson({ type: 'x', v: 2 }, { timeoutMs: 20 })
      .catch((e) => e)) as WsExpectationError
    expect(err.kind).toBe('timeout')
    expect(err.message).toContain('#1 text {"type":"x","v":1}')
    expect(err.closest?.diff).toEqual([{ path: '$.v', expected: '2', received: '1' }])
  })

  it('historyLimit bounds messages; onNext hands over the next message without timers', () => {
    const { inbox, view, text } = setup({ historyLimit: 3 })
    for (let i = 0; i < 10; i++) text(String(i))
    expect(view.messages.map((m) => m.text)).toEqual(['7', '8', '9'])
    const got: string[] = []
    inbox.onNext(
      (m) => got.push(m.text),
      () => {},
    )
    expect(got).toEqual(['0'])
    view.drain()
    inbox.onNext(
      (m) => got.push(m.text),
      () => {},
    )
    text('next')
    expect(got).toEqual(['0', 'next'])
    expect(view.pending).toHaveLength(0)
  })

  it('expectNoMessage fails on a pending message without consuming it', async () => {
    const { view, text } = setup()
    text('left over')
    await expect(view.expectNoMessage(10)).rejects.toThrow(/#1 text left over/)
    expect(view.pending).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import { pollReadiness } from './readiness.js'

const never = new Promise<never>(() => {})
const base = { exited: never, timeoutMs: 2_000, intervalMs: 1, attemptTimeoutMs: 1_000 }

describe('pollReadiness', () => {
  it('is ready at the first successful attempt', async () => {
    let attempts = 0
    const outcome = await pollReadiness({ ...base, probe: async () => ++attempts >= 3 })
    expect(outcome).toEqual({ kind: 'ready' })
    expect(attempts).toBe(3)
  })

  it('stops at once when the process exits, even mid-attempt', async () => {
    let exit!: () => void
    const exited = new Promise<void>((resolve) => {
      exit = resolve
    })
    let aborted = false
    const outcome = pollReadiness({
      ...base,
      exited,
      probe: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true
            resolve(false)
          })
        }),
    })
    setTimeout(exit, 20)
    expect(await outcome).toEqual({ kind: 'exited' })
    expect(aborted).toBe(true)
  })

  it('times out with the last probe error; a hanging attempt is abandoned and retried', async () => {
    let attempts = 0
    const outcome = await pollReadiness({
      ...base,
      timeoutMs: 300,
      attemptTimeoutMs: 50,
      probe: () => {
        attempts++
        return never
      },
    })
    expect(outcome.kind).toBe('timeout')
    expect(attempts).toBeGreaterThan(1)
    expect(String((outcome as { lastError: Error }).lastError.message)).toContain(
      'did not finish within 50 ms',
    )
  })

  it('keeps the error of a failing probe', async () => {
    const outcome = await pollReadiness({
      ...base,
      timeoutMs: 50,
      probe: async () => {
        throw new Error('ECONNREFUSED')
      },
    })
    expect(outcome).toMatchObject({ kind: 'timeout', lastError: { message: 'ECONNREFUSED' } })
  })
})

import { describe, expect, it } from 'vitest'
import { type AnyServer, SERVICES } from './catalog.js'

const kafka = SERVICES.find((s) => s.name === 'kafka')!

/** The options the kind passes to the package's start function. */
async function startOptions(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | undefined
  const mod = {
    startKafka: async (o: Record<string, unknown>) => {
      seen = o
      return {} as AnyServer
    },
  }
  await kafka.start(mod, options)
  return seen!
}

describe('kafka service', () => {
  it('runs a cluster in one JVM (nothing outside can fault one broker)', async () => {
    expect(await startOptions({ nodes: 3 })).toEqual({ nodes: 3, sharedJvm: true })
  })

  it('keeps what the config says, and a single broker as it is', async () => {
    expect(await startOptions({ nodes: 3, sharedJvm: false })).toEqual({ nodes: 3, sharedJvm: false })
    expect(await startOptions({})).toEqual({})
    expect(await startOptions({ nodes: 1, version: '3.9.2' })).toEqual({ nodes: 1, version: '3.9.2' })
  })
})

// Module 6 — circuit breaker and timeouts (cockatiel) around a real HTTP dependency reached through a real
// Toxiproxy link (a scope of each test's own): made slow with a latency toxic, made dead with a partition,
// then healed.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect } from 'vitest'
import { BrokenCircuitError, GuardedClient, TaskCancelledError } from '../src/index.js'
import { eventually, test } from './support/fixtures.js'

/** The dependency: a pricing service that counts the requests that reach it. */
async function pricingService(): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ sku: 'A-1', price: 1299 }))
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server }
}

const breakerTest = test.extend<{ pricing: Awaited<ReturnType<typeof pricingService>> }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
  pricing: async ({}, use) => {
    const service = await pricingService()
    try {
      await use(service)
    } finally {
      service.server.closeAllConnections()
      await new Promise((resolve) => service.server.close(resolve))
    }
  },
})

const options = { timeoutMs: 400, failureThreshold: 3, halfOpenAfterMs: 800 }

/** Calls until `n` have failed; returns the errors. */
async function failures(client: GuardedClient, n: number): Promise<unknown[]> {
  const errors: unknown[] = []
  for (let i = 0; i < n; i++) errors.push(await client.getJson('/price/A-1').catch((e: unknown) => e))
  return errors
}

describe('circuit breaker behind toxiproxy', () => {
  breakerTest(
    'healthy dependency: calls go through the link and the circuit stays closed',
    async ({ toxiproxy, pricing }) => {
      const link = await toxiproxy.proxy(pricing.url, 'pricing')
      const client = new GuardedClient(link.url, options)
      for (let i = 0; i < 5; i++)
        expect(await client.getJson('/price/A-1')).toEqual({ sku: 'A-1', price: 1299 })
      expect(client.state).toBe('closed')
      expect(pricing.hits()).toBe(5)
    },
  )

  breakerTest(
    'a slow dependency times out, and the threshold of timeouts opens the circuit',
    async ({ toxiproxy, pricing }) => {
      const link = await toxiproxy.proxy(pricing.url, 'pricing')
      const client = new GuardedClient(link.url, options)
      await link.latency(3_000)
      const errors = await failures(client, 3)
      expect(errors.every((e) => e instanceof TaskCancelledError)).toBe(true)
      expect(client.state).toBe('open')
    },
  )

  breakerTest(
    'while open, calls fail fast without reaching the dependency',
    async ({ toxiproxy, pricing }) => {
      const link = await toxiproxy.proxy(pricing.url, 'pricing')
      const client = new GuardedClient(link.url, { ...options, halfOpenAfterMs: 30_000 })
      await toxiproxy.partition(['client'], ['pricing'])
      await failures(client, 3)
      expect(client.state).toBe('open')
      await toxiproxy.heal() // the dependency is back, but the open circuit does not try it
      const before = pricing.hits()
      const errors = await failures(client, 20)
      expect(errors.every((e) => e instanceof BrokenCircuitError)).toBe(true)
      expect(pricing.hits()).toBe(before)
    },
  )

  breakerTest(
    'a dead link opens the circuit; after heal() it half-opens and closes again',
    async ({ toxiproxy, pricing }) => {
      const link = await toxiproxy.proxy(pricing.url, 'pricing')
      const client = new GuardedClient(link.url, options)
      await client.getJson('/price/A-1')
      await toxiproxy.partition(['client'], ['pricing'])
      const errors = await failures(client, 3)
      expect(errors.some((e) => e instanceof BrokenCircuitError)).toBe(false) // real failures, not fast ones
      expect(client.state).toBe('open')
      await toxiproxy.heal()
      const answer = await eventually(
        'the half-open trial call to succeed',
        () => client.getJson<{ price: number }>('/price/A-1').catch(() => undefined),
        15_000,
      )
      expect(answer.price).toBe(1299)
      expect(client.state).toBe('closed')
      expect(client.transitions).toEqual(['closed', 'open', 'half-open', 'closed'])
    },
  )

  breakerTest(
    'a failed trial call while half-open opens the circuit again',
    async ({ toxiproxy, pricing }) => {
      const link = await toxiproxy.proxy(pricing.url, 'pricing')
      const client = new GuardedClient(link.url, { ...options, halfOpenAfterMs: 300 })
      await link.latency(3_000)
      await failures(client, 3)
      await new Promise((resolve) => setTimeout(resolve, 400))
      // still slow: the trial call times out and the circuit re-opens
      await expect(client.getJson('/price/A-1')).rejects.toBeInstanceOf(TaskCancelledError)
      expect(client.state).toBe('open')
      await link.clear()
      await new Promise((resolve) => setTimeout(resolve, 400))
      expect(await client.getJson('/price/A-1')).toMatchObject({ price: 1299 })
      expect(client.transitions).toEqual(['closed', 'open', 'half-open', 'open', 'half-open', 'closed'])
    },
  )
})

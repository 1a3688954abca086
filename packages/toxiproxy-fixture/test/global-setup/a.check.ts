import fs from 'node:fs'
import net from 'node:net'
import { UnsupportedOperationError } from '@infra/fixture-core'
import { test as base, expect, inject } from 'vitest'
import { toxiproxyFixtures } from '../../src/vitest.js'

const test = base.extend(toxiproxyFixtures)

test('worker a gets links of its own on the run server', async ({ toxiproxy, toxiproxyServer }) => {
  expect(toxiproxyServer.apiUrl).toBe(inject('infraToxiproxy').apiUrl)
  await expect(toxiproxyServer.kill()).rejects.toBeInstanceOf(UnsupportedOperationError)
  const echo = net.createServer((s) => s.pipe(s))
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  // the same link name in both workers: the scopes' prefixes keep them apart on the shared server
  const link = await toxiproxy.proxy(`127.0.0.1:${(echo.address() as net.AddressInfo).port}`, 'echo')
  await link.latency(100)
  await new Promise((r) => setTimeout(r, 300)) // overlap with the other worker
  fs.appendFileSync(
    process.env.GLOBAL_SETUP_REPORT!,
    `${JSON.stringify({ file: 'a', api: toxiproxyServer.apiUrl, proxy: link.proxyName, pid: process.pid })}\n`,
  )
  echo.close()
})

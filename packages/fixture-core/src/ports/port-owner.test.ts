import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { listeningAddresses } from './port-owner.js'

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, host, () => resolve(server))
  })
}

describe.runIf(process.platform === 'linux')('listeningAddresses', () => {
  it('names the address a socket listens on: loopback, any, and nothing once it is closed', async () => {
    const loopback = await listen('127.0.0.1')
    const any = await listen('0.0.0.0')
    const loopbackPort = (loopback.address() as net.AddressInfo).port
    const anyPort = (any.address() as net.AddressInfo).port
    try {
      expect(listeningAddresses(loopbackPort)).toEqual(['127.0.0.1'])
      expect(listeningAddresses(anyPort)).toEqual(['0.0.0.0'])
    } finally {
      await new Promise((r) => loopback.close(r))
      await new Promise((r) => any.close(r))
    }
    expect(listeningAddresses(loopbackPort)).toEqual([])
  })
})

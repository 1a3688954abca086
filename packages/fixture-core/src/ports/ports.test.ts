import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, PortInUseError } from '../errors.js'
import { getFreePort, getFreePorts, isPortFree, looksLikeAddressInUse, withPortsRetry } from './ports.js'

describe('getFreePorts', () => {
  it('returns distinct bindable ports, never one it handed out recently', async () => {
    const first = await getFreePorts(50)
    const second = await getFreePorts(50)
    const all = [...first, ...second, await getFreePort()]
    expect(new Set(all).size).toBe(all.length)
    expect(await isPortFree(first[0]!)).toBe(true)
  })

  it('rejects a bad count', async () => {
    await expect(getFreePorts(0)).rejects.toBeInstanceOf(InvalidOptionsError)
    await expect(getFreePorts(1.5)).rejects.toBeInstanceOf(InvalidOptionsError)
  })
})

describe('isPortFree', () => {
  it('is false for a bound port', async () => {
    const srv = net.createServer()
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    const { port } = srv.address() as net.AddressInfo
    expect(await isPortFree(port)).toBe(false)
    await new Promise((resolve) => srv.close(resolve))
  })
})

describe('withPortsRetry', () => {
  it('retries the whole cluster with new ports on PortInUseError only', async () => {
    const seen: number[][] = []
    const result = await withPortsRetry(3, async (ports) => {
      seen.push(ports)
      if (seen.length < 3) throw new PortInUseError(ports[1])
      return ports
    })
    expect(seen).toHaveLength(3)
    expect(result).toHaveLength(3)
    expect(new Set(seen.flat()).size).toBe(9)
    await expect(
      withPortsRetry(1, async () => {
        throw new Error('config broken')
      }),
    ).rejects.toThrow('config broken')
  })

  it('gives up after `attempts`, saying so', async () => {
    let calls = 0
    const err = await withPortsRetry(
      1,
      async (ports) => {
        calls++
        throw new PortInUseError(ports[0])
      },
      { attempts: 2 },
    ).catch((e: unknown) => e)
    expect(calls).toBe(2)
    expect(err).toBeInstanceOf(PortInUseError)
    expect((err as Error).message).toContain('Gave up after 2 attempts')
  })
})

describe('looksLikeAddressInUse', () => {
  it('recognises the usual phrasings', () => {
    expect(looksLikeAddressInUse('Error: listen EADDRINUSE: address already in use 127.0.0.1:5432')).toBe(
      true,
    )
    expect(looksLikeAddressInUse('LOG:  could not bind IPv4 address "127.0.0.1": Address in use')).toBe(true)
    expect(
      looksLikeAddressInUse(
        '# Warning: Could not create server TCP listening socket *:6379: bind: Address already in use',
      ),
    ).toBe(true)
    expect(looksLikeAddressInUse('ready to accept connections')).toBe(false)
  })
})

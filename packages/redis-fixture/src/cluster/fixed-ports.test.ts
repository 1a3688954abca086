import net from 'node:net'
import { InvalidOptionsError, PortInUseError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { assertClusterPortsFree, fixedClusterPorts } from './fixed-ports.js'

describe('fixed cluster ports', () => {
  it('ports or basePort; each bus port is port + 10000', () => {
    expect(fixedClusterPorts({}, 3)).toBeUndefined()
    expect(fixedClusterPorts({ basePort: 7000 }, 3)).toEqual({
      data: [7000, 7001, 7002],
      bus: [17000, 17001, 17002],
    })
    expect(fixedClusterPorts({ ports: [7005, 7003] }, 2)).toEqual({ data: [7005, 7003], bus: [17005, 17003] })
  })

  it.each([
    [{ ports: [7000], basePort: 7000 }, 3, /not both/],
    [{ ports: [7000, 7001] }, 3, /expected 3 ports/],
    [{ ports: [7000, 7000, 7001] }, 3, /distinct/],
    [{ basePort: 55535 }, 2, /port 55536: its cluster bus port .* past 65535/],
    [{ ports: [7000, 17000] }, 2, /17000 is also the cluster bus port of port 7000/],
  ])('rejects %j (%i nodes)', (options, total, message) => {
    expect(() => fixedClusterPorts(options, total)).toThrow(InvalidOptionsError)
    expect(() => fixedClusterPorts(options, total)).toThrow(message)
  })

  it('a taken node port or bus port is a PortInUseError naming it', async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as net.AddressInfo).port
    try {
      const err = await assertClusterPortsFree({ data: [taken - 10_000], bus: [taken] }).catch((e) => e)
      expect(err).toBeInstanceOf(PortInUseError)
      expect(err.port).toBe(taken)
      expect(err.message).toMatch(new RegExp(`${taken} \\(cluster bus port of node 0`))
      const err2 = await assertClusterPortsFree({ data: [taken], bus: [taken + 1] }).catch((e) => e)
      expect(err2).toBeInstanceOf(PortInUseError)
      expect(err2.message).toMatch(new RegExp(`${taken} \\(port of node 0\\)`))
    } finally {
      holder.close()
    }
  })
})

import net from 'node:net'
import { InvalidOptionsError, PortInUseError } from '@infra/fixture-core'

/** Redis' convention: a node's cluster bus listens on its port + 10000. */
export const BUS_PORT_OFFSET = 10_000
const MAX_PORT = 65_535

/** The ports of every node and of its cluster bus. */
export interface ClusterPorts {
  data: number[]
  bus: number[]
}

/**
 * The fixed ports asked for with `ports` (one per node) or `basePort` (`basePort`, `basePort + 1`, …),
 * each bus port at port + 10000 as suites written for a fixed cluster (7000-7005 / 17000-17005) expect.
 * `undefined` when neither is given (ephemeral ports). Throws {@link InvalidOptionsError} for a wrong count,
 * duplicates, or a port whose bus port would be past 65535 or collide with another node's port.
 */
export function fixedClusterPorts(
  options: { ports?: readonly number[]; basePort?: number },
  total: number,
): ClusterPorts | undefined {
  if (options.ports !== undefined && options.basePort !== undefined) {
    throw new InvalidOptionsError('ports', 'give ports or basePort, not both')
  }
  const key = options.ports !== undefined ? 'ports' : 'basePort'
  let data: number[]
  if (options.ports !== undefined) data = [...options.ports]
  else if (options.basePort !== undefined)
    data = Array.from({ length: total }, (_, i) => options.basePort! + i)
  else return undefined
  if (data.length !== total) {
    throw new InvalidOptionsError(
      key,
      `expected ${total} ports (masters × (1 + replicasPerMaster)), got ${data.length}`,
    )
  }
  if (new Set(data).size !== data.length) throw new InvalidOptionsError(key, 'expected distinct ports')
  const bus = data.map((p) => p + BUS_PORT_OFFSET)
  const tooHigh = data.find((p) => p + BUS_PORT_OFFSET > MAX_PORT)
  if (tooHigh !== undefined) {
    throw new InvalidOptionsError(
      key,
      `port ${tooHigh}: its cluster bus port (port + ${BUS_PORT_OFFSET}) would be past ${MAX_PORT}; use ports up to ${MAX_PORT - BUS_PORT_OFFSET}`,
    )
  }
  const clash = bus.find((b) => data.includes(b))
  if (clash !== undefined) {
    throw new InvalidOptionsError(
      key,
      `port ${clash} is also the cluster bus port of port ${clash - BUS_PORT_OFFSET}`,
    )
  }
  return { data, bus }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)))
  })
}

/**
 * Throws {@link PortInUseError} (first taken port, every taken one named) unless every node port and every
 * bus port can be bound on 127.0.0.1 now. A fixed port is never swapped for another.
 */
export async function assertClusterPortsFree(ports: ClusterPorts): Promise<void> {
  const named = [
    ...ports.data.map((p, i) => ({ port: p, what: `port of node ${i}` })),
    ...ports.bus.map((p, i) => ({
      port: p,
      what: `cluster bus port of node ${i} (port + ${BUS_PORT_OFFSET})`,
    })),
  ]
  const free = await Promise.all(named.map((n) => canBind(n.port)))
  const taken = named.filter((_, i) => !free[i])
  if (taken.length > 0) {
    throw new PortInUseError(
      taken[0]!.port,
      `startRedisCluster: ${taken.map((t) => `${t.port} (${t.what})`).join(', ')} already in use on 127.0.0.1`,
    )
  }
}

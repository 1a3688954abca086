import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { describeQuorum, fetchMetadata } from './kafka-wire.js'

describe('wire requests', () => {
  let server: net.Server | undefined
  afterEach(() => server?.close())

  function serve(reply: (req: Buffer) => Buffer): Promise<number> {
    server = net.createServer((s) => {
      s.once('data', (req) => {
        const body = reply(req)
        const out = Buffer.alloc(8)
        out.writeInt32BE(4 + body.length, 0)
        out.writeInt32BE(req.readInt32BE(8), 4) // echo correlation id
        s.write(Buffer.concat([out, body]))
      })
    })
    return new Promise((resolve) =>
      server!.listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port)),
    )
  }

  it('parses a Metadata v4 response', async () => {
    const port = await serve((req) => {
      expect(req.readInt16BE(4)).toBe(3) // api key
      expect(req.readInt16BE(6)).toBe(4) // version
      const parts: Buffer[] = []
      const i32 = (v: number) => {
        const b = Buffer.alloc(4)
        b.writeInt32BE(v)
        parts.push(b)
      }
      const i16 = (v: number) => {
        const b = Buffer.alloc(2)
        b.writeInt16BE(v)
        parts.push(b)
      }
      const str = (s: string | null) => {
        if (s === null) return i16(-1)
        i16(s.length)
        parts.push(Buffer.from(s))
      }
      i32(0) // throttle
      i32(1) // brokers
      i32(7)
      str('127.0.0.1')
      i32(9092)
      str(null)
      str('cid')
      i32(7) // controller
      i32(1) // topics
      i16(0)
      str('t')
      parts.push(Buffer.from([0]))
      i32(1) // partitions
      i16(0)
      i32(0)
      i32(7)
      i32(1)
      i32(7)
      i32(1)
      i32(7)
      return Buffer.concat(parts)
    })
    const md = await fetchMetadata('127.0.0.1', port, ['t'])
    expect(md.brokers).toEqual([{ nodeId: 7, host: '127.0.0.1', port: 9092 }])
    expect(md.clusterId).toBe('cid')
    expect(md.topics[0]).toEqual({
      errorCode: 0,
      name: 't',
      partitions: [{ errorCode: 0, partition: 0, leader: 7, replicas: [7], isr: [7] }],
    })
  })

  it('fails with a finite timeout when nobody answers', async () => {
    server = net.createServer(() => {})
    const port = await new Promise<number>((resolve) =>
      server!.listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port)),
    )
    await expect(describeQuorum('127.0.0.1', port, { timeoutMs: 200 })).rejects.toThrow(/within 200 ms/)
  })
})

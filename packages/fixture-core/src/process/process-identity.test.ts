import fs from 'node:fs'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { deadPid } from '../../test/helpers.js'
import { processGroupOwnsPort } from '../ports/port-owner.js'
import { processStartTime, signalProcessGroup } from './process-identity.js'

describe('processStartTime / signalProcessGroup', () => {
  it('knows a live process and not a dead one', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/)
    expect(processStartTime(deadPid())).toBeUndefined()
  })

  it('refuses to signal a group whose leader pid now belongs to another process', () => {
    // our own pid with a wrong start time looks like a recycled pid: nothing is sent
    expect(signalProcessGroup(process.pid, 'SIGKILL', '1')).toBe(false)
    expect(signalProcessGroup(1, 'SIGKILL')).toBe(false)
  })
})

describe('processGroupOwnsPort', () => {
  it('tells whether the listener on a port belongs to a process group', async () => {
    const srv = net.createServer()
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    const { port } = srv.address() as net.AddressInfo
    const stat = fs.readFileSync('/proc/self/stat', 'utf8')
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    expect(processGroupOwnsPort(pgid, port)).toBe(true)
    expect(processGroupOwnsPort(deadPid(), port)).toBe(false)
    await new Promise((resolve) => srv.close(resolve))
    expect(processGroupOwnsPort(pgid, port)).toBeUndefined()
  })
})

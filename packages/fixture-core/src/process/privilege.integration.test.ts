import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ping, serverSpec } from '../../test/helpers.js'
import { createTempDir, type TempDir } from '../dirs/temp-dir.js'
import { withPortRetry } from '../ports/ports.js'
import { chownRecursive, unprivilegedUser } from './privilege.js'
import { ServiceProcess } from './service-process.js'

const isRoot = process.getuid?.() === 0
const cleanup: (ServiceProcess | TempDir)[] = []
afterAll(async () => {
  for (const c of cleanup) await ('stop' in c ? c.stop() : c.remove())
})

describe('privilege drop', () => {
  it.skipIf(isRoot)('is a no-op when not root', () => {
    expect(unprivilegedUser()).toBeUndefined()
  })

  it.skipIf(!isRoot)('runs a server as the unprivileged user, owning its chowned data dir', async () => {
    const ids = unprivilegedUser()!
    expect(ids.uid).not.toBe(0)
    expect(unprivilegedUser()).toEqual(ids) // created once, then reused
    const data = await createTempDir('priv-data')
    cleanup.push(data)
    fs.mkdirSync(path.join(data.path, 'nested'))
    chownRecursive(data.path, ids)
    expect(fs.statSync(path.join(data.path, 'nested')).uid).toBe(ids.uid)
    const svc = await withPortRetry((port) =>
      new ServiceProcess({
        ...serverSpec('dropped', port, { DATA_DIR: data.path }),
        uid: ids.uid,
        gid: ids.gid,
      }).start(),
    )
    cleanup.push(svc)
    expect(await ping(svc.port!)).toBe(`pong ${svc.pid} ${ids.uid} -`)
    const status = fs.readFileSync(`/proc/${svc.pid}/status`, 'utf8')
    expect(status).toMatch(new RegExp(`^Uid:\\s+${ids.uid}\\s+${ids.uid}`, 'm'))
    expect(fs.readFileSync(path.join(data.path, 'owner'), 'utf8')).toBe(String(ids.uid))
    await svc.stop()
  })
})

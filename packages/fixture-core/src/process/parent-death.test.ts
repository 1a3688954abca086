import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { withParentDeathSignal } from './parent-death.js'

describe.runIf(process.platform === 'linux')('withParentDeathSignal', () => {
  it('runs the command under setpriv --pdeathsig when its spawner is this process', () => {
    const w = withParentDeathSignal('echo', ['spawned'])
    expect(w.wrapped).toBe(true)
    expect(w.args.slice(0, 3)).toEqual(['--pdeathsig', 'KILL', '--'])
    const r = spawnSync(w.command, w.args, { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toBe('spawned')
  })

  it('exits before running the command when its spawner is already gone (the death signal would never fire)', () => {
    const w = withParentDeathSignal('echo', ['spawned'])
    const pidArg = w.args.indexOf(String(process.pid))
    expect(pidArg).toBeGreaterThan(0)
    // as if this process had died before setpriv's prctl: the command's parent is no longer the spawner
    const args = w.args.map((a, i) => (i === pidArg ? String(process.pid + 1_000_000) : a))
    const r = spawnSync(w.command, args, { encoding: 'utf8' })
    expect(r.status).toBe(137)
    expect(r.stdout).toBe('')
  })
})

// Every installed package's `./vitest` subpath loads under the runner and has the contract's shape:
// a ready `test` (with `extend`) and a fixtures object for `test.extend(...)`. And the runner runs on the
// Node this consumer variant is for (the release test sets INFRA_RELEASE_NODE_BIN).
import { readFileSync, realpathSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

interface Plan {
  packages: { name: string; subpaths: string[]; expectedExports: Record<string, string[]> }[]
}
const plan = JSON.parse(readFileSync(new URL('./release-test.json', import.meta.url), 'utf8')) as Plan

describe.each(plan.packages.filter((pkg) => pkg.subpaths.includes('./vitest')))(
  '$name/vitest',
  ({ name, expectedExports }) => {
    it('exports test and a fixtures object', async () => {
      const mod = (await import(`${name}/vitest`)) as Record<string, unknown>
      expect(typeof (mod.test as { extend?: unknown } | undefined)?.extend).toBe('function')
      const fixtures = Object.keys(mod).filter((key) => /Fixtures$/.test(key) && typeof mod[key] === 'object')
      expect(fixtures, `${name}/vitest exports: ${Object.keys(mod).join(', ')}`).not.toHaveLength(0)
      const missing = (expectedExports['./vitest'] ?? []).filter((key) => mod[key] === undefined)
      expect(missing, `${name}/vitest lacks exports`).toEqual([])
    })
  },
)

it('runs on the Node of this consumer variant', () => {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the release test for this project, not a turbo task
  const expected = process.env.INFRA_RELEASE_NODE_BIN
  expect(expected, 'INFRA_RELEASE_NODE_BIN (set by the release test)').toBeTruthy()
  expect(realpathSync(process.execPath), `vitest runs on Node ${process.version}`).toBe(
    realpathSync(expected as string),
  )
})

// A Node binary of another major for a consumer variant, from the npm registry's `node` package (the
// registry is reachable where nodejs.org is not). Installed once into the release test's cache dir.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { cleanEnv, run, StepError } from './run.mjs'

/** `<cacheRoot>/node<major>/node_modules/node/bin/node`, installed with `npm i node@<major>` if missing. */
export async function nodeBinary(cacheRoot, major) {
  const prefix = join(cacheRoot, `node${major}`)
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node')
  const version = async () => {
    if (!existsSync(binary)) return undefined
    const { output } = await run(`node ${major} --version`, binary, ['--version'], { timeoutMs: 30_000 })
    return output.trim()
  }
  let found = await version().catch(() => undefined)
  if (!found?.startsWith(`v${major}.`)) {
    await run(
      `npm i node@${major}`,
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--cache',
        join(cacheRoot, 'npm'),
        `node@${major}`,
      ],
      { cwd: cacheRoot, env: cleanEnv(), timeoutMs: 300_000 },
    )
    found = await version()
  }
  if (!found?.startsWith(`v${major}.`)) {
    throw new StepError(`npm i node@${major} gave ${found ?? 'no binary'} at ${binary}`)
  }
  return { binary, version: found }
}

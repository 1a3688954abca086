// The Node each consumer variant runs on. `pinned`: the repo's own Node (.node-version, Node 24 LTS),
// installed by tooling/node/install.sh from the npm registry's `node` package — the same install the
// bootstrap does, so nothing is downloaded twice. A major (`'20'`): the machine's own Node of that major,
// found by absolute path (INFRA_RELEASE_NODE<major>, /usr/bin/node, /usr/local/bin/node; never PATH,
// which tooling/node/run.sh points at the pinned Node), else that major from the npm registry as well.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv, run, StepError } from './run.mjs'

const INSTALL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node', 'install.sh')
const SYSTEM_NODES = ['/usr/bin/node', '/usr/local/bin/node']

/** `{ binary, version, source }` for `spec`: `'pinned'` or a major like `'20'`. */
export async function nodeBinary(spec) {
  if (spec !== 'pinned') {
    const override = process.env[`INFRA_RELEASE_NODE${spec}`]
    for (const binary of override ? [override] : SYSTEM_NODES) {
      const version = await versionOf(binary)
      if (version?.startsWith(`v${spec}.`)) return { binary, version, source: 'this machine' }
      if (override)
        throw new StepError(`INFRA_RELEASE_NODE${spec}=${override} is ${version ?? 'not a Node binary'}`)
    }
  }
  const args = spec === 'pinned' ? [INSTALL_SCRIPT] : [INSTALL_SCRIPT, spec]
  const { output } = await run(`install Node ${spec}`, 'bash', args, { env: cleanEnv(), timeoutMs: 300_000 })
  const binary = output.trim().split('\n').at(-1)
  const version = await versionOf(binary)
  if (!version || (spec !== 'pinned' && !version.startsWith(`v${spec}.`))) {
    throw new StepError(`tooling/node/install.sh ${spec} gave ${version ?? 'no binary'} at ${binary}`)
  }
  return { binary, version, source: "the npm registry's node package" }
}

async function versionOf(binary) {
  if (!existsSync(binary)) return undefined
  const { output } = await run(`${binary} --version`, binary, ['--version'], { timeoutMs: 30_000 }).catch(
    () => ({}),
  )
  return output?.trim()
}

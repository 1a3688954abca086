#!/usr/bin/env node
// Release test: build → snapshot versions from changesets → publish every public package to a throwaway
// Verdaccio on loopback → install @infra/pg-fixture, redis-fixture, ws-harness and kafka-fixture in a
// project outside the workspace with npm and with pnpm → ESM import, CJS require, tsc --noEmit on typed
// usage, and a real vitest test starting Postgres, Redis, MariaDB, etcd, ClickHouse, InfluxDB and Toxiproxy through the installed `./vitest` subpaths.
//
// The repository is not modified (verified at the end). Registry process and temp dirs are removed on
// success, failure and SIGINT/SIGTERM; the registry also exits by itself if this process is SIGKILLed.
//
// Env: INFRA_RELEASE_STRICT=1   fail (instead of skipping loudly) when a consumed package is missing;
//                                strict is automatic once all consumed packages exist;
//                                INFRA_RELEASE_STRICT=0 forces lenient mode (local debugging).
//      INFRA_RELEASE_MANAGERS   package managers to test, default "npm,pnpm".
//      INFRA_RELEASE_VARIANTS   consumer variants, default "current,next" (vitest 4 + ioredis 5 on the
//                                machine's Node 20 with each manager; vitest 5 + ioredis 6 on the repo's
//                                pinned Node 24 with npm).
//      INFRA_RELEASE_NODE20     the Node 20 binary for "current" (default /usr/bin/node or
//                                /usr/local/bin/node if it is Node 20, else node@20 from the npm registry).
//      INFRA_RELEASE_KEEP=1     keep the temp dir for inspection (the registry is still stopped).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONSUMER_VARIANTS, install, runChecks, writeConsumer } from './lib/consumer.mjs'
import { EXPECTED_EXPORTS } from './lib/expected-exports.mjs'
import { nodeBinary } from './lib/node-binary.mjs'
import { assertPublished, packAndPublish } from './lib/publish.mjs'
import { assertNoInfraUplink, startRegistry } from './lib/registry.mjs'
import { assertRepoUnchanged, repoSnapshot } from './lib/repo-guard.mjs'
import { installSignalHandlers, onCleanup, removeDir, run, runCleanups, StepError } from './lib/run.mjs'
import { snapshotVersions } from './lib/snapshot-versions.mjs'
import { reapStaleTempDirs, TEMP_PREFIX } from './lib/temp-dirs.mjs'
import {
  CONSUMED,
  exportedSubpaths,
  isBuildable,
  isBuilt,
  publicPackages,
  SERVICES_FOR_VITEST,
} from './lib/workspace.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const CACHE_ROOT = join(ROOT, 'node_modules', '.cache', 'infra-release-test')
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
const step = (message) => console.log(`[release-test ${elapsed()}] ${message}`)
/** INFRA_RELEASE_<name> (not a turbo task: turbo's env hashing does not apply). */
const setting = (name) => process.env[`INFRA_RELEASE_${name}`]
const loud = (message) => console.log(`\n!!!!!!!! release-test: ${message}\n`)

async function main() {
  installSignalHandlers()
  reapStaleTempDirs()
  const managers = (setting('MANAGERS') ?? 'npm,pnpm').split(',').filter(Boolean)
  const before = repoSnapshot(ROOT)

  // ---- what to release ---------------------------------------------------------------------------
  const all = publicPackages(ROOT)
  const consumedPresent = CONSUMED.filter((name) => all.some((pkg) => pkg.name === name && isBuildable(pkg)))
  // strict once all exist (or when asked); INFRA_RELEASE_STRICT=0 forces lenient (local debugging)
  const strict =
    setting('STRICT') === '1' || (setting('STRICT') !== '0' && consumedPresent.length === CONSUMED.length)
  const notReady = all.filter((pkg) => !isBuildable(pkg)).map((pkg) => pkg.name)
  const absent = CONSUMED.filter((name) => !consumedPresent.includes(name))
  if (absent.length > 0) {
    const message = `consumed package(s) not there yet: ${absent.join(', ')}`
    if (strict) throw new StepError(`${message} (strict mode)`)
    loud(`${message}. SKIPPING them; set INFRA_RELEASE_STRICT=1 to fail instead.`)
  }
  step(`public packages: ${all.map((pkg) => pkg.name).join(', ')}${strict ? ' (strict)' : ''}`)

  // ---- build (turbo cache makes this near-free after `pnpm build`) --------------------------------
  step('building public packages')
  await run(
    'build',
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      ...all.map((pkg) => `--filter=${pkg.name}`),
      ...(strict ? [] : ['--continue']),
    ],
    { cwd: ROOT, timeoutMs: 900_000 },
  ).catch((error) => {
    if (strict) throw error
    loud(`build failed for some packages (non-strict: continuing with what built)\n${error.message}`)
  })
  const releasable = all.filter((pkg) => isBuildable(pkg) && isBuilt(pkg))
  const unbuilt = all.filter((pkg) => !releasable.includes(pkg)).map((pkg) => pkg.name)
  if (unbuilt.length > 0) {
    if (strict) throw new StepError(`not built: ${unbuilt.join(', ')}`)
    loud(`not releasable yet (no src/build output): ${unbuilt.join(', ')}. SKIPPING them.`)
  }
  for (const pkg of releasable) {
    const missingDeps = Object.keys(pkg.manifest.dependencies ?? {}).filter(
      (dep) => dep.startsWith('@infra/') && !releasable.some((other) => other.name === dep),
    )
    if (missingDeps.length > 0)
      throw new StepError(`${pkg.name} depends on unreleasable ${missingDeps.join(', ')}`)
  }

  const work = mkdtempSync(join(tmpdir(), TEMP_PREFIX))
  writeFileSync(join(work, 'owner.pid'), String(process.pid))
  onCleanup(() => (setting('KEEP') === '1' ? step(`kept ${work}`) : removeDir(work)))

  // ---- snapshot versions through changesets, in a copy ----------------------------------------------
  const versions = await snapshotVersions(ROOT, join(work, 'changeset-copy'), releasable)
  step(
    `snapshot versions (changeset version --snapshot, in a copy): ${[...new Set(versions.values())].join(', ')}`,
  )

  // ---- registry + publish ---------------------------------------------------------------------------
  const registry = await startRegistry(join(work, 'registry'))
  onCleanup(() => registry.stop())
  step(`Verdaccio pid ${registry.pid} on ${registry.url} (no uplink for @infra/*)`)
  await assertNoInfraUplink(registry.url)
  const publishNpmrc = join(work, 'publish.npmrc')
  writeFileSync(publishNpmrc, `${registry.url.replace(/^http:/, '')}:_authToken=${registry.token}\n`)
  mkdirSync(join(work, 'publish'))
  await Promise.all(
    releasable.map((pkg) =>
      packAndPublish({
        root: ROOT,
        pkg,
        version: versions.get(pkg.name),
        versions,
        workDir: join(work, 'publish'),
        registry,
        npmrc: publishNpmrc,
      }),
    ),
  )
  for (const pkg of releasable) await assertPublished(registry, pkg.name, versions.get(pkg.name))
  step(`publint --strict + attw (node16) clean on every published tarball`)
  step(`published ${releasable.map((pkg) => `${pkg.name}@${versions.get(pkg.name)}`).join(', ')}`)

  // ---- install as another team and use them -----------------------------------------------------------
  const consumed = releasable
    .filter((pkg) => CONSUMED.includes(pkg.name))
    .map((pkg) => ({ ...pkg, version: versions.get(pkg.name), subpaths: exportedSubpaths(pkg.manifest) }))
  const withVitest = SERVICES_FOR_VITEST.every((name) => consumed.some((pkg) => pkg.name === name))
  if (!withVitest) loud('service packages not released yet: SKIPPING the vitest check')
  if (consumed.length === 0) loud('no consumed package released yet: SKIPPING the consumer project')
  mkdirSync(CACHE_ROOT, { recursive: true })
  const verified = new Map()
  const warnings = new Set()
  const failures = []
  // current majors (vitest 4, ioredis 5) on the machine's Node 20 with every manager; next majors
  // (vitest 5, ioredis 6) on the pinned Node 24 with npm
  const variants = (setting('VARIANTS') ?? 'current,next').split(',').filter(Boolean)
  const runs = [
    ...(variants.includes('current') ? managers.map((manager) => ({ manager, variant: 'current' })) : []),
    ...(variants.includes('next') ? [{ manager: 'npm', variant: 'next' }] : []),
  ]
  for (const { manager: pm, variant: variantName } of consumed.length > 0 ? runs : []) {
    const variant = CONSUMER_VARIANTS[variantName]
    const manager = `${pm} ${variant.label}`
    let nodeBin
    if (variant.node) {
      try {
        const node = await nodeBinary(variant.node)
        nodeBin = node.binary
        step(`${manager}: Node ${node.version} from ${node.source} (${nodeBin})`)
      } catch (error) {
        step(`${manager}: Node ${variant.node} FAILED (details at the end)`)
        failures.push(`[${manager}] ${error.message}`)
        continue
      }
    }
    const dir = writeConsumer(join(work, `consumer-${pm}-${variantName}`), {
      packages: consumed,
      registry,
      withVitest,
      expectedExports: EXPECTED_EXPORTS,
      variant,
    })
    step(`${manager}: installing ${consumed.map((pkg) => pkg.name).join(', ')} in ${dir}`)
    try {
      const installed = await install(pm, dir, CACHE_ROOT, { nodeBin })
      step(`${manager}: installed in ${installed.seconds} s`)
    } catch (error) {
      step(`${manager}: install FAILED (details at the end)`)
      failures.push(`[${manager}] ${error.message}`)
      continue
    }
    const report = (result) => {
      step(`${manager}: ${result.check} ok (${result.seconds} s)`)
      if (result.warnings.length > 0) {
        warnings.add(result.warnings.join('\n'))
        loud(
          `${manager}: WARNING: the contract's \`baseTest.extend(pgFixtures).extend(redisFixtures)\` (no type arguments) does not type-check:\n${result.warnings.join('\n')}`,
        )
      }
      const summary = result.output
        .split('\n')
        .filter((line) => /^ok |Tests? +\d+ passed|✓/.test(line.trim()))
        .map((line) => `    ${line.trim()}`)
      if (summary.length > 0) console.log(summary.join('\n'))
    }
    const failed = ({ check }) => step(`${manager}: ${check} FAILED (details at the end)`)
    try {
      await runChecks(dir, { withVitest, nodeBin, onResult: report, onFailure: failed })
      for (const pkg of consumed) verified.set(pkg.name, [...(verified.get(pkg.name) ?? []), manager])
    } catch (error) {
      failures.push(`[${manager}] ${error.message}`) // go on with the next package manager
    }
  }

  // ---- the repository is untouched ----------------------------------------------------------------------
  assertRepoUnchanged(ROOT, before)
  if (failures.length > 0) throw new StepError(failures.join('\n\n'))

  console.log('')
  for (const pkg of releasable) {
    const how = verified.has(pkg.name)
      ? `installed with ${verified.get(pkg.name).join(' + ')}: ESM import, CJS require, tsc --noEmit${
          withVitest && SERVICES_FOR_VITEST.includes(pkg.name)
            ? ', ./vitest global setup + test.extend fixtures with a real server'
            : withVitest
              ? ', ./vitest loaded under vitest'
              : ''
        }`
      : 'published (dependency of the consumed packages)'
    console.log(`verified ${pkg.name}@${versions.get(pkg.name)}: ${how}`)
  }
  if (warnings.size > 0) loud(`WARNINGS (soft checks):\n${[...warnings].join('\n')}`)
  const skipped = [...new Set([...absent, ...notReady, ...unbuilt])]
  if (skipped.length > 0) loud(`NOT verified (missing): ${skipped.join(', ')}`)
  step(`release test passed in ${elapsed()}`)
}

let exitCode = 0
try {
  await main()
} catch (error) {
  exitCode = 1
  console.error(
    `\nrelease-test FAILED after ${elapsed()}: ${error instanceof StepError ? error.message : error?.stack}`,
  )
} finally {
  await runCleanups()
}
process.exit(exitCode)

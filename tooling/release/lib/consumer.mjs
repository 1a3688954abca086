// A project outside the workspace that installs the published packages the way another team would
// (npm or pnpm, @infra scope pointed at the registry, everything else from the npm registry), then
// imports them (ESM), requires them (CJS), type-checks a typed usage file and runs a real vitest test.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { scopedNpmrc } from './registry.mjs'
import { cleanEnv, run, StepError } from './run.mjs'
import { readJson } from './workspace.mjs'

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), '..', 'consumer')

/**
 * The consumer projects: the majors another team may have. `current` (vitest 4, ioredis 5) runs on the
 * machine's own Node 20 (the oldest the packages' `engines` allow) with npm and pnpm; `next` (vitest 5,
 * ioredis 6; vitest 5 needs Node >= 22) runs on the repo's pinned Node 24 (`.node-version`, from the npm
 * registry's `node` package), with npm. `node` is a spec for `nodeBinary()` (lib/node-binary.mjs).
 * `dependencies` are the app's own (ioredis is a peer of @infra/redis-fixture: the app's major is the one
 * the fixture's clients and types use).
 */
export const CONSUMER_VARIANTS = {
  current: {
    label: 'vitest 4 + ioredis 5',
    node: '20',
    dependencies: { ioredis: '^5.8.0' },
    devDependencies: { '@types/node': '^20.19.0', typescript: '~5.9.3', vitest: '^4.0.0' },
  },
  next: {
    label: 'vitest 5 + ioredis 6',
    node: 'pinned',
    dependencies: { ioredis: '^6.0.0' },
    devDependencies: { '@types/node': '^24.0.0', typescript: '~5.9.3', vitest: '^5.0.0' },
  },
}

/** The typed usage file for each package (consumer/typed/<file>), type-checked with tsc --noEmit. */
const TYPED_USAGE = {
  '@infra/pg-fixture': 'pg-fixture.ts',
  '@infra/redis-fixture': ['redis-fixture.ts', 'redis-app-client.ts'],
  '@infra/ws-harness': 'ws-harness.ts',
  '@infra/kafka-fixture': 'kafka-fixture.ts',
  '@infra/mysql-fixture': 'mysql-fixture.ts',
  '@infra/etcd-fixture': 'etcd-fixture.ts',
  '@infra/toxiproxy-fixture': 'toxiproxy-fixture.ts',
  '@infra/clickhouse-fixture': 'clickhouse-fixture.ts',
  '@infra/influxdb-fixture': 'influxdb-fixture.ts',
}

/**
 * Writes the consumer project. `packages`: [{ name, version, manifest }] to install;
 * `withVitest`: whether the Postgres + Redis vitest test is part of it.
 */
export function writeConsumer(dir, { packages, registry, withVitest, expectedExports, variant }) {
  mkdirSync(dir, { recursive: true })
  const dependencies = Object.fromEntries(packages.map((pkg) => [pkg.name, pkg.version]))
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'release-test-consumer',
        version: '0.0.0',
        private: true,
        type: 'module',
        dependencies: { ...variant.dependencies, ...dependencies },
        devDependencies: variant.devDependencies,
      },
      null,
      2,
    )}\n`,
  )
  writeFileSync(join(dir, '.npmrc'), scopedNpmrc(registry))
  const plan = packages.map((pkg) => ({
    name: pkg.name,
    version: pkg.version,
    subpaths: pkg.subpaths,
    expectedExports: expectedExports[pkg.name] ?? {},
  }))
  writeFileSync(join(dir, 'release-test.json'), `${JSON.stringify({ packages: plan }, null, 2)}\n`)
  for (const file of ['esm-check.mjs', 'cjs-check.cjs']) copyFileSync(join(TEMPLATE, file), join(dir, file))

  const typed = packages.flatMap((pkg) => TYPED_USAGE[pkg.name] ?? [])
  mkdirSync(join(dir, 'typed'))
  for (const file of typed) copyFileSync(join(TEMPLATE, 'typed', file), join(dir, 'typed', file))
  const files = typed.map((file) => `typed/${file}`)
  if (withVitest) {
    for (const file of readdirSync(join(TEMPLATE, 'vitest'))) {
      copyFileSync(join(TEMPLATE, 'vitest', file), join(dir, file))
    }
    copyFileSync(join(TEMPLATE, SOFT_TYPED_FILE), join(dir, SOFT_TYPED_FILE))
    files.push(
      'global-setup.ts',
      'services.test.ts',
      'more-services.test.ts',
      'subpaths.test.ts',
      SOFT_TYPED_FILE,
    )
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files,
      },
      null,
      2,
    )}\n`,
  )
  return realpathSync(dir)
}

/** Installs with npm or pnpm. Both share one cache root (kept between runs: a cache, not a temp dir). */
export async function install(manager, dir, cacheRoot, { nodeBin } = {}) {
  const env = consumerEnv(nodeBin)
  if (manager === 'npm') {
    return run(
      'npm install (consumer)',
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--cache', join(cacheRoot, 'npm')],
      { cwd: dir, env, timeoutMs: 300_000 },
    )
  }
  return run(
    'pnpm install (consumer)',
    'pnpm',
    [
      'install',
      '--prefer-offline',
      '--no-frozen-lockfile',
      '--reporter=append-only',
      `--config.cache-dir=${join(cacheRoot, 'pnpm')}`,
      '--config.auto-install-peers=true',
    ],
    { cwd: dir, env, timeoutMs: 300_000 },
  )
}

/** The consumer's environment; with `nodeBin`, that Node comes first on PATH (`#!/usr/bin/env node` bins). */
export function consumerEnv(nodeBin) {
  const env = cleanEnv({ CI: 'true' })
  if (nodeBin) {
    env.PATH = `${dirname(nodeBin)}${delimiter}${env.PATH ?? ''}`
    env.INFRA_RELEASE_NODE_BIN = nodeBin // the consumer's vitest checks that it runs on this Node
  }
  return env
}

/** The type-check that is a soft (warning) check: the contract's composition without type arguments. */
export const SOFT_TYPED_FILE = 'typed/compose-contract.ts'

/** tsc failed only in the soft file: return its errors (a warning); otherwise rethrow. */
function softTypeErrors(error, dir) {
  const errors = (error.output ?? '').split('\n').filter((line) => /^\S+\(\d+,\d+\): error TS/.test(line))
  if (error.timedOut || errors.length === 0 || !errors.every((line) => line.startsWith(SOFT_TYPED_FILE))) {
    throw error
  }
  // name the source line of each error: it says which package's fixtures do not infer
  const source = readFileSync(join(dir, SOFT_TYPED_FILE), 'utf8').split('\n')
  return errors.map((line) => {
    const [, row, message] = /^\S+\((\d+),\d+\): (error TS\d+: [^\n]{0,100})/.exec(line) ?? []
    return `${SOFT_TYPED_FILE}:${row}  ${source[Number(row) - 1]?.trim()}  → ${message}`
  })
}

/** Actionable hints for type errors in published declarations (TS7016: a types dependency is missing). */
function typeHints(output = '') {
  const hints = new Set()
  for (const match of output.matchAll(
    /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@infra\/[^/]+)\/\S+: error TS7016: Could not find a declaration file for module '([^']+)'/g,
  )) {
    const [, pkg, mod] = match
    const types = mod.startsWith('@') ? `@types/${mod.slice(1).replace('/', '__')}` : `@types/${mod}`
    hints.add(
      `${pkg}'s published .d.ts import '${mod}', whose types its consumers do not get: move ${types} to ${pkg}'s "dependencies"`,
    )
  }
  return [...hints]
}

/**
 * The checks, one command each, each with its own deadline; `onResult({ check, seconds, output,
 * warnings })` hears each as it passes.
 */
export async function runChecks(dir, { withVitest, nodeBin, onResult, onFailure }) {
  const failures = []
  const env = consumerEnv(nodeBin)
  const node = nodeBin ?? process.execPath
  const bin = (name) => join(dir, 'node_modules', '.bin', name)
  const steps = [
    ['node --version', node, ['-p', '"ok node " + process.version'], 30_000],
    ['ESM import', node, ['esm-check.mjs'], 60_000],
    ['CJS require', node, ['cjs-check.cjs'], 60_000],
    ['tsc --noEmit', bin('tsc'), ['--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], 180_000],
  ]
  if (withVitest) {
    steps.push([
      'vitest (Postgres, Redis, MariaDB, etcd, ClickHouse, InfluxDB, Toxiproxy)',
      bin('vitest'),
      ['run', '--config', 'vitest.config.mjs'],
      240_000,
    ])
  }
  for (const [check, command, args, timeoutMs] of steps) {
    if (!existsSync(command)) {
      throw new Error(`${check}: ${command} is not installed in the consumer project`)
    }
    const started = Date.now()
    try {
      const { output, seconds } = await run(check, command, args, { cwd: dir, env, timeoutMs })
      onResult?.({ check, seconds, output, warnings: [] })
    } catch (error) {
      try {
        if (check !== 'tsc --noEmit') throw error
        const warnings = softTypeErrors(error, dir)
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        onResult?.({ check, seconds, output: error.output, warnings })
      } catch (failure) {
        // keep going: one run shows every problem a consumer would hit
        for (const hint of typeHints(failure.output)) failure.message += `\nhint: ${hint}`
        failures.push(failure)
        onFailure?.({ check, error: failure })
      }
    }
  }
  if (failures.length > 0) {
    throw new StepError(failures.map((failure) => failure.message).join('\n\n'))
  }
}

export function installedVersion(dir, name) {
  return readJson(join(dir, 'node_modules', ...name.split('/'), 'package.json')).version
}

import { parseArgs } from 'node:util'
import { FixtureError } from '@infra/fixture-core'
import { cache } from './commands/cache.js'
import { doctor } from './commands/doctor.js'
import { run } from './commands/run.js'
import { up } from './commands/up.js'
import { loadConfig } from './config/load.js'
import { UnknownServiceError, UsageError } from './errors.js'
import { SERVICES } from './services/catalog.js'
import { findKind, parseServiceArg, type ServiceRequest } from './services/request.js'

export const USAGE = `Usage:
  infra up [services…] [--json] [--config file]     start services, print their env, stop on Ctrl-C/SIGTERM
  infra run [services…] [--config file] -- <cmd…>   start services, run cmd with their env, exit with its code
  infra doctor [services…] [--json]                 which servers this machine can start, what to install
  infra cache path | prune [--dry-run]              the fixtures' build cache

Services: ${SERVICES.map((s) => `${s.name}${s.versioned ? '[@version]' : ''}${s.cluster ? '[:N]' : ''}`).join(' ')}
(or the names in infra.config.json; with no services named, all of the config's).`

const FLAGS = {
  json: { type: 'boolean', default: false },
  config: { type: 'string', short: 'c' },
  'dry-run': { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`)
  }
}

function requestsFrom(words: readonly string[], configFile: string | undefined): ServiceRequest[] {
  const config = loadConfig(configFile)
  if (words.length > 0) return words.map((w) => parseServiceArg(w, config))
  if (config && Object.keys(config.services).length > 0) return Object.values(config.services)
  throw new UsageError(
    `name the services to start (e.g. 'infra up pg redis'), or add infra.config.json\n${USAGE}`,
  )
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  const dash = rest.indexOf('--')
  const own = dash === -1 ? rest : rest.slice(0, dash)
  const { values, positionals } = parse(own)
  if (
    values.help ||
    command === undefined ||
    command === 'help' ||
    command === '--help' ||
    command === '-h'
  ) {
    process.stdout.write(`${USAGE}\n`)
    return command === undefined ? 2 : 0
  }
  switch (command) {
    case 'up':
      return up(requestsFrom(positionals, values.config), { json: values.json })
    case 'run': {
      const cmd = dash === -1 ? [] : rest.slice(dash + 1)
      if (cmd.length === 0) throw new UsageError(`infra run needs a command after '--'\n${USAGE}`)
      return run(requestsFrom(positionals, values.config), cmd)
    }
    case 'doctor': {
      const kinds = positionals.length > 0 ? positionals.map((p) => findKind(p.split(':')[0] ?? p)) : SERVICES
      return doctor(kinds, { json: values.json, strict: values.strict || positionals.length > 0 })
    }
    case 'cache':
      if (positionals[0] !== 'prune' && positionals[0] !== 'path') {
        throw new UsageError(`infra cache takes 'path' or 'prune'\n${USAGE}`)
      }
      return cache(positionals[0], { dryRun: values['dry-run'] })
    default:
      throw new UsageError(`unknown command '${command}'\n${USAGE}`)
  }
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. Errors print as one message. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv)
  } catch (err) {
    if (err instanceof FixtureError) {
      process.stderr.write(`infra: ${err.name}: ${err.message}\n`)
      return err instanceof UsageError || err instanceof UnknownServiceError ? 2 : 1
    }
    process.stderr.write(`infra: ${(err as Error)?.stack ?? String(err)}\n`)
    return 1
  }
}

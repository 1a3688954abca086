import { BinaryNotFoundError } from '@infra/fixture-core'
import { MissingFixturePackageError } from '../errors.js'
import type { ServiceKind } from '../services/catalog.js'
import { loadFixture } from '../services/start-all.js'

/** What `infra doctor` found for one service. */
export interface DoctorRow {
  service: string
  ok: boolean
  version?: string
  where?: string
  /** What to install or set when `ok` is false. */
  fix?: string
}

/** Checks that a service's package is installed and its server binary (and version) can be found. */
export async function diagnose(kind: ServiceKind): Promise<DoctorRow> {
  let mod: Record<string, unknown>
  try {
    mod = await loadFixture({ name: kind.name, kind, options: {} })
  } catch (err) {
    const fix = err instanceof MissingFixturePackageError ? `npm i -D ${kind.packageName}` : String(err)
    return { service: kind.name, ok: false, fix }
  }
  try {
    const p = await kind.probe(mod)
    return { service: kind.name, ok: true, version: p.version || 'version unknown', where: p.where }
  } catch (err) {
    const fix = err instanceof BinaryNotFoundError ? err.message.split('\n')[0] : (err as Error).message
    return { service: kind.name, ok: false, fix }
  }
}

/** The rows as an aligned table. */
export function formatDoctor(rows: readonly DoctorRow[]): string {
  const width = Math.max(...rows.map((r) => r.service.length))
  return rows
    .map((r) =>
      r.ok
        ? `${r.service.padEnd(width)}  ok       ${r.version}  (${r.where})`
        : `${r.service.padEnd(width)}  MISSING  ${r.fix}`,
    )
    .join('\n')
}

/** `infra doctor [services]`: 0 when every asked-for service can start (all are listed; only asked-for ones count). */
export async function doctor(kinds: readonly ServiceKind[], opts: { json: boolean; strict: boolean }) {
  const rows: DoctorRow[] = []
  for (const kind of kinds) rows.push(await diagnose(kind))
  process.stdout.write(`${opts.json ? JSON.stringify(rows) : formatDoctor(rows)}\n`)
  return opts.strict && rows.some((r) => !r.ok) ? 1 : 0
}

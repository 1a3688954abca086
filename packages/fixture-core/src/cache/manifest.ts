import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Written into every cache entry before it is published; the marker last. */
export const MANIFEST = '.infra-cache-manifest.json'
export const COMPLETE = '.infra-cache-complete'
/** Files up to this size also get a content hash (most of a data dir is larger: sizes catch truncation). */
const HASH_MAX_BYTES = 4096

interface Manifest {
  version: 1
  /** relative path → [type, size, sha256 of content (small files) or ''] */
  entries: Record<string, [type: 'f' | 'd' | 'l', size: number, hash: string]>
}

function sha(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex').slice(0, 32)
}

function describeTree(dir: string): Manifest['entries'] {
  const entries: Manifest['entries'] = {}
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (!rel && (e.name === MANIFEST || e.name === COMPLETE)) continue
      const abs = path.join(dir, r)
      if (e.isSymbolicLink()) entries[r] = ['l', 0, sha(fs.readlinkSync(abs))]
      else if (e.isDirectory()) {
        entries[r] = ['d', 0, '']
        walk(r)
      } else {
        const size = fs.lstatSync(abs).size
        entries[r] = ['f', size, size <= HASH_MAX_BYTES ? sha(fs.readFileSync(abs)) : '']
      }
    }
  }
  walk('')
  return entries
}

/** Records the entry's files (type, size, hash of small files) and then marks it complete. */
export function writeManifest(dir: string): void {
  const manifest: Manifest = { version: 1, entries: describeTree(dir) }
  const text = JSON.stringify(manifest)
  fs.writeFileSync(path.join(dir, MANIFEST), text)
  fs.writeFileSync(path.join(dir, COMPLETE), sha(text))
}

/**
 * Checks an entry against its manifest: returns `undefined` when it matches, else what is wrong
 * (no completion marker, a file missing, added, truncated or changed). Costs one walk of the tree.
 */
export function verifyManifest(dir: string): string | undefined {
  let text: string
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST), 'utf8')
    if (fs.readFileSync(path.join(dir, COMPLETE), 'utf8') !== sha(text))
      return 'the completion marker does not match'
  } catch {
    return 'no manifest or completion marker (built by an older version, or never finished)'
  }
  let want: Manifest['entries']
  let have: Manifest['entries']
  try {
    want = (JSON.parse(text) as Manifest).entries
    have = describeTree(dir)
  } catch (err) {
    return `unreadable (${(err as Error).message})`
  }
  for (const [rel, [type, size, hash]] of Object.entries(want)) {
    const got = have[rel]
    if (!got) return `${rel} is missing`
    if (got[0] !== type) return `${rel} changed type`
    if (got[1] !== size) return `${rel} has ${got[1]} bytes instead of ${size}`
    if (got[2] !== hash) return `${rel} changed content`
  }
  const extra = Object.keys(have).find((rel) => !(rel in want))
  return extra ? `${extra} was added` : undefined
}

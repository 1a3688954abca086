/**
 * Minimal DEBUG=infra:* support: `DEBUG=infra:*` streams every server's output to stderr,
 * `DEBUG=infra:postgres` just one. Comma- or space-separated patterns, `*` wildcards, `-pattern` excludes.
 */
export function isDebugEnabled(namespace: string, debugEnv = process.env.DEBUG): boolean {
  if (!debugEnv) return false
  let enabled = false
  for (const raw of debugEnv.split(/[\s,]+/)) {
    if (!raw) continue
    const negate = raw.startsWith('-')
    const pattern = negate ? raw.slice(1) : raw
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
    if (re.test(namespace)) {
      if (negate) return false
      enabled = true
    }
  }
  return enabled
}

export function debugLogger(namespace: string): ((line: string) => void) | undefined {
  if (!isDebugEnabled(namespace)) return undefined
  return (line) => process.stderr.write(`${namespace} ${line}\n`)
}

/** Parses `INFO` output (`key:value` lines, `# Section` headers) into a flat record. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue
    const colon = line.indexOf(':')
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return out
}

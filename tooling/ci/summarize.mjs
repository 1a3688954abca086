// Sums vitest's "Tests  N passed | M failed" lines of a CI log into one closing line.
import fs from 'node:fs'

const [logPath, status = '1', seconds = '?'] = process.argv.slice(2)
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
const text = fs.readFileSync(logPath, 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
let passed = 0
let failed = 0
let skipped = 0
for (const line of text.split('\n')) {
  const m = /\bTests\s+(.*)\((\d+)\)\s*$/.exec(line)
  if (!m) continue
  passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0)
  failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0)
  skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0)
}
if (status !== '0' && failed === 0) failed = 1 // a non-test step failed
console.log(`\nci: exit ${status} after ${seconds} s`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)

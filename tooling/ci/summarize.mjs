// Sums vitest's "Tests  N passed | M failed" lines of a CI log into one closing line, after a table of the
// slowest turbo tasks of this run (from turbo's --summarize files written since `startedAtMs`).
import fs from 'node:fs'
import path from 'node:path'

const [logPath, status = '1', seconds = '?', startedAtS = '0'] = process.argv.slice(2)
printTaskTimes(Number(startedAtS) * 1000)
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

/** Each turbo task's wall time in this run, slowest first (cache hits count as ~0). */
function printTaskTimes(sinceMs) {
  const dir = path.join(process.cwd(), '.turbo', 'runs')
  if (!fs.existsSync(dir)) return
  const rows = []
  for (const file of fs.readdirSync(dir)) {
    const full = path.join(dir, file)
    if (!file.endsWith('.json') || fs.statSync(full).mtimeMs < sinceMs) continue
    for (const task of JSON.parse(fs.readFileSync(full, 'utf8')).tasks ?? []) {
      const { startTime, endTime } = task.execution ?? {}
      if (startTime && endTime) rows.push([task.taskId, (endTime - startTime) / 1000, task.cache?.status])
    }
  }
  if (rows.length === 0) return
  rows.sort((a, b) => b[1] - a[1])
  console.log(`\nci: task wall times (slowest ${Math.min(rows.length, 25)} of ${rows.length})`)
  for (const [id, s, cache] of rows.slice(0, 25)) {
    console.log(`  ${s.toFixed(1).padStart(7)} s  ${id}${cache === 'HIT' ? ' (cache hit)' : ''}`)
  }
}

#!/usr/bin/env node
// docs-check [README.md …] — type-checks the ```ts examples of a package's README against the package's
// built types, so that the examples cannot drift from the API. Run it from the package directory (after its
// build): every block becomes a module in a temp dir inside the package (so `@infra/<pkg>` resolves to the
// package itself through its `exports`, and its dependencies resolve too), then `tsc --noEmit` runs on them.
// Blocks marked ```ts nocheck are skipped. Errors are reported at their README line.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { codeBlocks, splitFiles } from './extract.mjs'

const TEMP_DIR = '.docs-check-tmp'

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  moduleDetection: 'force',
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  allowUnreachableCode: true,
  types: ['node'],
}

function tscOf(pkgDir) {
  const require = createRequire(path.join(pkgDir, 'package.json'))
  try {
    return require.resolve('typescript/bin/tsc')
  } catch {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc')
  }
}

/** Checks one Markdown file; returns the number of problems (0: all examples compile). */
function checkFile(pkgDir, readme) {
  const markdown = fs.readFileSync(readme, 'utf8')
  const blocks = codeBlocks(markdown)
  const checked = blocks.filter((b) => !b.skipped)
  const rel = path.relative(process.cwd(), readme)
  if (checked.length === 0) {
    console.log(`docs-check: ${rel}: no \`\`\`ts blocks to check (${blocks.length} marked nocheck)`)
    return 0
  }
  const dir = path.join(pkgDir, TEMP_DIR)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  /** temp file → its first line in the README */
  const origin = new Map()
  try {
    checked.forEach((block, b) => {
      for (const [p, part] of splitFiles(block.code).entries()) {
        const name = `block${String(b + 1).padStart(2, '0')}-${p + 1}-${(part.name ?? 'example.ts').replace(/[/\\]/g, '_')}`
        const file = path.join(dir, name.replace(/\.(m?ts|tsx)$/, '.ts'))
        fs.writeFileSync(file, `${part.code}\n`)
        origin.set(path.basename(file), block.line + part.offset)
      }
    })
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['*.ts'] }, null, 2),
    )
    const res = spawnSync(
      process.execPath,
      [tscOf(pkgDir), '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'],
      {
        cwd: pkgDir,
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    if (res.error) throw res.error
    const output = `${res.stdout}${res.stderr}`
    const problems = []
    for (const line of output.split('\n')) {
      const m = /^(?:.*[/\\])?([^/\\(]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line.trim())
      if (m && origin.has(m[1]))
        problems.push(`${rel}:${origin.get(m[1]) + Number(m[2]) - 1}:${m[3]} ${m[4]}`)
      else if (line.trim() && !/^\s/.test(line) && problems.length === 0 && res.status !== 0)
        problems.push(line)
      else if (line.trim() && problems.length > 0) problems[problems.length - 1] += `\n  ${line.trim()}`
    }
    if (res.status !== 0) {
      console.error(`docs-check: ${rel}: ${problems.length} error(s) in its \`\`\`ts examples:`)
      for (const p of problems) console.error(`  ${p}`)
      console.error(`  (mark a block that is not meant to compile with \`\`\`ts nocheck)`)
      return Math.max(1, problems.length)
    }
    console.log(
      `docs-check: ${rel}: ${checked.length} \`\`\`ts block(s) compile (${blocks.length - checked.length} nocheck)`,
    )
    return 0
  } finally {
    if (!process.env.DOCS_CHECK_KEEP) fs.rmSync(dir, { recursive: true, force: true })
  }
}

const pkgDir = process.cwd()
const files = process.argv.slice(2)
let problems = 0
for (const f of files.length ? files : ['README.md']) problems += checkFile(pkgDir, path.resolve(pkgDir, f))
process.exit(problems === 0 ? 0 : 1)

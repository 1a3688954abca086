// CommonJS consumer check: require() every exported subpath of every installed @infra package, from this
// project's node_modules (never the workspace), at the published snapshot version.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const plan = JSON.parse(readFileSync(join(__dirname, 'release-test.json'), 'utf8'))
let failures = 0

for (const pkg of plan.packages) {
  const installed = require(`${pkg.name}/package.json`)
  if (installed.version !== pkg.version) {
    console.error(`FAIL CJS ${pkg.name}: installed ${installed.version}, expected ${pkg.version}`)
    failures++
    continue
  }
  // ./vitest calls test.extend() at import time: it only loads inside the vitest runner (vitest check)
  for (const subpath of pkg.subpaths.filter((path) => path !== './vitest')) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
    const resolved = require.resolve(specifier)
    if (!resolved.startsWith(__dirname) || !resolved.includes('node_modules') || !/\.c?js$/.test(resolved)) {
      console.error(`FAIL CJS ${specifier}: resolved to ${resolved}`)
      failures++
      continue
    }
    const mod = require(specifier)
    const names = Object.keys(mod).filter((name) => name !== 'default' && name !== '__esModule')
    const missing = (pkg.expectedExports[subpath] ?? []).filter((name) => mod[name] === undefined)
    if (names.length === 0 || missing.length > 0) {
      console.error(`FAIL CJS ${specifier}: ${names.length} exports, missing: ${missing.join(', ') || '-'}`)
      failures++
      continue
    }
    console.log(`ok CJS require ${specifier}@${installed.version} (${names.length} exports)`)
  }
}
process.exit(failures === 0 ? 0 : 1)

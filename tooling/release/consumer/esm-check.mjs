// ESM consumer check: import every exported subpath of every installed @infra package, from this
// project's node_modules (never the workspace), at the published snapshot version.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const plan = JSON.parse(readFileSync(new URL('./release-test.json', import.meta.url), 'utf8'))
const here = fileURLToPath(new URL('.', import.meta.url))
let failures = 0

for (const pkg of plan.packages) {
  const installed = JSON.parse(
    readFileSync(fileURLToPath(import.meta.resolve(`${pkg.name}/package.json`)), 'utf8'),
  )
  if (installed.version !== pkg.version) {
    console.error(`FAIL ESM ${pkg.name}: installed ${installed.version}, expected ${pkg.version}`)
    failures++
    continue
  }
  // every bin the package declares is linked into node_modules/.bin by the package manager
  const bins =
    typeof installed.bin === 'string' ? { [pkg.name.split('/')[1]]: installed.bin } : (installed.bin ?? {})
  for (const bin of Object.keys(bins)) {
    if (!existsSync(fileURLToPath(new URL(`./node_modules/.bin/${bin}`, import.meta.url)))) {
      console.error(`FAIL bin ${pkg.name}: ${bin} is not linked into node_modules/.bin`)
      failures++
    } else {
      console.log(`ok bin ${bin} (${pkg.name})`)
    }
  }
  // ./vitest calls test.extend() at import time: it only loads inside the vitest runner (vitest check)
  for (const subpath of pkg.subpaths.filter((path) => path !== './vitest')) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
    const resolved = fileURLToPath(import.meta.resolve(specifier))
    if (!resolved.startsWith(here) || !resolved.includes('node_modules')) {
      console.error(`FAIL ESM ${specifier}: resolved outside this project's node_modules: ${resolved}`)
      failures++
      continue
    }
    const mod = await import(specifier)
    const names = Object.keys(mod).filter((name) => name !== 'default')
    const missing = (pkg.expectedExports[subpath] ?? []).filter((name) => mod[name] === undefined)
    if (names.length === 0 || missing.length > 0) {
      console.error(`FAIL ESM ${specifier}: ${names.length} exports, missing: ${missing.join(', ') || '-'}`)
      failures++
      continue
    }
    console.log(`ok ESM import ${specifier}@${installed.version} (${names.length} exports)`)
  }
}
process.exit(failures === 0 ? 0 : 1)

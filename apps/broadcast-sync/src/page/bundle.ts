import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/** The page's entry (TypeScript source; the same path from src/page and dist/page). */
const entry = fileURLToPath(new URL('../../src/page/main.ts', import.meta.url))
/** Where the app serves the bundle from by default (see `defaultPageBundle`). */
const defaultOut = fileURLToPath(new URL('../../dist/public/app.js', import.meta.url))

/**
 * Bundles the page's script (the frontend library + TanStack Query core) for browsers with esbuild.
 * Run by `build`, and by the integration global setup so the suites never serve a stale page.
 */
export async function bundlePage(outfile = defaultOut): Promise<string> {
  await mkdir(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'warning',
  })
  return outfile
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`bundled ${await bundlePage()}`)
}

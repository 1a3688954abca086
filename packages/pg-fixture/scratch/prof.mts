import path from 'node:path'
import { unprivilegedUser } from '@infra/fixture-core'
import { resolvePgBinaries } from '../src/binaries.js'
import { pgCacheRoot } from '../src/cache-root.js'
import { cachedTemplate } from '../src/data-cache.js'
import { loadMigrations } from '../src/migrations.js'
import { copyDataDir, createServerDir } from '../src/server-dir.js'
import { startPostgresProcess } from '../src/server-process.js'
for (let i = 0; i < 4; i++) {
  const T: Record<string, number> = {}
  let t = performance.now()
  const lap = (k: string) => { const n = performance.now(); T[k] = Math.round(n - t); t = n }
  const ids = unprivilegedUser(); const cacheRoot = pgCacheRoot(ids); lap('ids')
  const bins = await resolvePgBinaries({ cacheRoot }); lap('bins')
  const m = loadMigrations({}); const tpl = await cachedTemplate({ bins, ids, cacheRoot, timeoutMs: 30000 }, m); lap('tpl')
  const dir = await createServerDir(undefined); lap('dir')
  await copyDataDir(tpl, path.join(dir.path, 'data'), ids); lap('copy')
  const p = await startPostgresProcess({ bins, dataDir: path.join(dir.path, 'data'), ids, durable: false, timeoutMs: 30000 }); lap('start')
  await p.stop(); lap('stop'); await dir.remove(); lap('rm')
  console.log(T)
}

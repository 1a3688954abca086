import pg from 'pg'
import { startPostgres } from '/work/main/packages/pg-fixture/src/index.ts'
let t = performance.now()
const s = await startPostgres()
console.log('first start', (performance.now() - t).toFixed(0), s.url)
t = performance.now()
const db = await s.database()
console.log('db', db.name, (performance.now() - t).toFixed(1))
const c = new pg.Client(db.url); await c.connect(); console.log((await c.query('select current_database() d')).rows); await c.end()
const sc = await s.schema(); const c2 = new pg.Client(sc.url); await c2.connect(); console.log((await c2.query('show search_path')).rows); await c2.end()
await db.drop(); await sc.drop()
await s.stop()
for (let i = 0; i < 3; i++) { t = performance.now(); const s2 = await startPostgres(); console.log('warm start', (performance.now() - t).toFixed(0)); await s2.stop() }

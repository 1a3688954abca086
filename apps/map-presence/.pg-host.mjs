import { startPostgres } from '@infra/pg-fixture'
const pg = await startPostgres({ provider: 'local' })
console.log(pg.url)
process.stdin.resume()
process.stdin.on('end', async () => { await pg.stop(); process.exit(0) })
process.on('SIGTERM', async () => { await pg.stop(); process.exit(0) })

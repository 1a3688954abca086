import { AdminConnection } from '../connection/admin-connection.js'
import type { TestSchema, TestTransaction } from '../connection/handles.js'
import { ReusableClients } from '../connection/reusable-clients.js'
import { ident, randomId, withDatabase } from './names.js'

/**
 * The cheaper isolations of a `Postgres` handle, both in one shared database (a clone of the template, one
 * per template, shared by every handle on the server): `schema()` and `transaction()`.
 */
export class SharedDatabase {
  private admin: AdminConnection | undefined
  private ready: Promise<string> | undefined
  private readonly schemas = new Set<string>()
  private readonly transactions = new Set<TestTransaction>()
  private readonly clients = new ReusableClients()

  constructor(
    private readonly serverAdmin: AdminConnection,
    private readonly serverUrl: string,
    private readonly template: string,
  ) {}

  /** `infra_shared_<hash>`: one per template. */
  get name(): string {
    return `infra_shared_${this.template.replace(/^infra_tpl_/, '')}`
  }

  /** Creates the shared database unless it exists; its name. */
  ensure(): Promise<string> {
    this.ready ??= (async () => {
      const name = this.name
      const admin = this.serverAdmin
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
      if (exists.rowCount === 0) {
        try {
          await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(this.template)}`)
        } catch (err) {
          // another worker made it first
          const code = (err as { code?: string }).code
          if (code !== '42P04' && code !== '23505') throw err
        }
      }
      return name
    })()
    this.ready.catch(() => {
      this.ready = undefined
    })
    return this.ready
  }

  async schema(): Promise<TestSchema> {
    const database = await this.ensure()
    this.admin ??= new AdminConnection(withDatabase(this.serverUrl, database))
    const admin = this.admin
    const name = `test_${randomId(6)}`
    await admin.query(`CREATE SCHEMA ${ident(name)}`)
    this.schemas.add(name)
    let dropped: Promise<void> | undefined
    const drop = () => {
      dropped ??= admin.query(`DROP SCHEMA IF EXISTS ${ident(name)} CASCADE`).then(() => {
        this.schemas.delete(name)
      })
      return dropped
    }
    return {
      name,
      database,
      url: withDatabase(this.serverUrl, database, { options: `-c search_path=${name},public` }),
      drop,
      [Symbol.asyncDispose]: drop,
    }
  }

  async transaction(database?: string): Promise<TestTransaction> {
    const db = database ?? (await this.ensure())
    const url = withDatabase(this.serverUrl, db)
    const client = await this.clients.take(url)
    try {
      await client.query('BEGIN')
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    let done: Promise<void> | undefined
    const tx: TestTransaction = {
      client,
      database: db,
      rollback: () => {
        done ??= (async () => {
          this.transactions.delete(tx)
          await this.clients.give(url, client)
        })()
        return done
      },
      [Symbol.asyncDispose]: () => tx.rollback(),
    }
    this.transactions.add(tx)
    return tx
  }

  /** Forgets every connection (after the server was killed, restarted or its connections terminated). */
  async reset(): Promise<void> {
    this.admin?.reset()
    await this.clients.reset()
  }

  /** Rolls back open transactions, drops the schemas when `dropSchemas`, closes every connection. */
  async close(dropSchemas: boolean): Promise<void> {
    for (const tx of [...this.transactions]) await tx.rollback().catch(() => {})
    await this.clients.close()
    if (dropSchemas) {
      for (const s of [...this.schemas]) {
        await this.admin?.query(`DROP SCHEMA IF EXISTS ${ident(s)} CASCADE`).catch(() => {})
      }
    }
    await this.admin?.close().catch(() => {})
  }
}

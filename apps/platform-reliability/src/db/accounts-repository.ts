import type { Pool, PoolClient } from 'pg'
import { withTransaction } from './transaction.js'

export interface Account {
  id: number
  owner: string
  currency: string
  balance: number
}

export interface Transfer {
  id: number
  from: number
  to: number
  amount: number
}

/** A transfer that would overdraw, or names an unknown account: nothing of it is written. */
export class TransferError extends Error {
  constructor(
    readonly code: 'insufficient_funds' | 'unknown_account' | 'same_account',
    message: string,
  ) {
    super(message)
    this.name = 'TransferError'
  }
}

type Queryable = Pool | PoolClient

const ACCOUNT_COLUMNS = 'id::int, owner, currency, balance::int'

/** Accounts and transfers on Postgres: plain CRUD plus `transfer`, one transaction per call. */
export class AccountsRepository {
  constructor(readonly pool: Pool) {}

  async create(
    owner: string,
    balance: number,
    currency = 'EUR',
    db: Queryable = this.pool,
  ): Promise<Account> {
    const { rows } = await db.query<Account>(
      `INSERT INTO accounts (owner, balance, currency) VALUES ($1, $2, $3) RETURNING ${ACCOUNT_COLUMNS}`,
      [owner, balance, currency],
    )
    return rows[0]!
  }

  async get(id: number): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Account>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [
      id,
    ])
    return rows[0]
  }

  async byOwner(owner: string): Promise<Account[]> {
    const { rows } = await this.pool.query<Account>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE owner = $1 ORDER BY id`,
      [owner],
    )
    return rows
  }

  async rename(id: number, owner: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<Account>(
      `UPDATE accounts SET owner = $2 WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
      [id, owner],
    )
    return rows[0]
  }

  async remove(id: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM accounts WHERE id = $1', [id])
    return rowCount === 1
  }

  /** Sum of all balances: transfers never change it. */
  async totalBalance(): Promise<number> {
    const { rows } = await this.pool.query<{ total: string | null }>(
      'SELECT sum(balance) AS total FROM accounts',
    )
    return Number(rows[0]!.total ?? 0)
  }

  async transfersFrom(accountId: number): Promise<Transfer[]> {
    const { rows } = await this.pool.query<Transfer>(
      'SELECT id::int, from_account::int AS from, to_account::int AS to, amount::int FROM transfers ' +
        'WHERE from_account = $1 ORDER BY created_at, id',
      [accountId],
    )
    return rows
  }

  /**
   * Moves `amount` from one account to another in one transaction. Both rows are locked in id order (no
   * deadlock between opposite transfers); `afterDebit` lets a test fail the transaction half-way.
   */
  transfer(from: number, to: number, amount: number, afterDebit?: () => Promise<void>): Promise<Transfer> {
    if (from === to) return Promise.reject(new TransferError('same_account', 'cannot transfer to itself'))
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: number; balance: number }>(
        'SELECT id::int, balance::int FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE',
        [[from, to]],
      )
      if (rows.length !== 2)
        throw new TransferError('unknown_account', `account ${from} or ${to} does not exist`)
      const source = rows.find((row) => row.id === from)!
      if (source.balance < amount) {
        throw new TransferError('insufficient_funds', `account ${from} holds ${source.balance} < ${amount}`)
      }
      await client.query('UPDATE accounts SET balance = balance - $2 WHERE id = $1', [from, amount])
      await afterDebit?.()
      await client.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [to, amount])
      const inserted = await client.query<{ id: number }>(
        'INSERT INTO transfers (from_account, to_account, amount) VALUES ($1, $2, $3) RETURNING id::int',
        [from, to, amount],
      )
      return { id: inserted.rows[0]!.id, from, to, amount }
    })
  }

  /** The plan Postgres picks for `sql` (EXPLAIN (FORMAT JSON)), flattened to its node types and indexes. */
  async plan(sql: string, params: unknown[] = []): Promise<Array<{ node: string; index?: string }>> {
    const { rows } = await this.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      params,
    )
    const out: Array<{ node: string; index?: string }> = []
    const walk = (node: PlanNode) => {
      out.push({ node: node['Node Type'], ...(node['Index Name'] ? { index: node['Index Name'] } : {}) })
      for (const child of node.Plans ?? []) walk(child)
    }
    walk(rows[0]!['QUERY PLAN'][0].Plan)
    return out
  }
}

interface PlanNode {
  'Node Type': string
  'Index Name'?: string
  Plans?: PlanNode[]
}

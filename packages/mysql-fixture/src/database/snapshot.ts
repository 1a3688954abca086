import type mysql from 'mysql2/promise'
import { ident } from './names.js'

/**
 * What a clone of the template database is made of: the DDL of its tables, views, routines and triggers as
 * the server shows it (`SHOW CREATE …`, foreign keys included), and the tables that hold seed rows.
 * The migration history is not replayed: a clone costs one `CREATE` per object, however many migrations.
 */
export interface SchemaSnapshot {
  template: string
  charset: string
  collation: string
  tables: string[]
  /**
   * Tables with rows, and their columns without the generated ones (MySQL 8 also marks a column with an
   * expression default `DEFAULT_GENERATED`: that one is copied).
   */
  data: { table: string; columns: string[] }[]
  views: string[]
  routines: string[]
  triggers: string[]
}

type Rows = mysql.RowDataPacket[]

const DEFINER = /\s*DEFINER\s*=\s*(`[^`]*`|'[^']*'|\S+)@(`[^`]*`|'[^']*'|\S+)/i

/** Reads the template database's objects (a handful of queries, once per handle). */
export async function captureSnapshot(conn: mysql.Connection, template: string): Promise<SchemaSnapshot> {
  const q = async (sql: string, values?: unknown[]) => (await conn.query<Rows>(sql, values))[0]
  const [schema] = await q(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [template],
  )
  if (!schema) throw new Error(`the template database '${template}' does not exist on this server`)
  const objects = await q(
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [template],
  )
  const snapshot: SchemaSnapshot = {
    template,
    charset: String(schema.cs),
    collation: String(schema.co),
    tables: [],
    data: [],
    views: [],
    routines: [],
    triggers: [],
  }
  const views: { name: string; sql: string }[] = []
  for (const { name, type } of objects as { name: string; type: string }[]) {
    const qualified = `${ident(template)}.${ident(name)}`
    if (type === 'VIEW') {
      const [row] = await q(`SHOW CREATE VIEW ${qualified}`)
      views.push({ name, sql: String(row!['Create View']).replace(DEFINER, '') })
      continue
    }
    const [row] = await q(`SHOW CREATE TABLE ${qualified}`)
    snapshot.tables.push(String(row!['Create Table'] ?? Object.values(row!)[1]))
    if (type === 'BASE TABLE' && (await q(`SELECT 1 FROM ${qualified} LIMIT 1`)).length > 0) {
      const cols = await q(
        "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA NOT REGEXP '(VIRTUAL|STORED|PERSISTENT) GENERATED' ORDER BY ORDINAL_POSITION",
        [template, name],
      )
      snapshot.data.push({ table: name, columns: cols.map((c) => String(c.c)) })
    }
  }
  snapshot.views = orderViews(views, template)
  for (const r of await q(
    'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME',
    [template],
  )) {
    const [row] = await q(`SHOW CREATE ${r.type} ${ident(template)}.${ident(String(r.name))}`)
    const sql = row![r.type === 'FUNCTION' ? 'Create Function' : 'Create Procedure']
    snapshot.routines.push(String(sql).replace(DEFINER, ''))
  }
  for (const r of await q(
    'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER',
    [template],
  )) {
    const [row] = await q(`SHOW CREATE TRIGGER ${ident(template)}.${ident(String(r.name))}`)
    snapshot.triggers.push(String(row!['SQL Original Statement']).replace(DEFINER, ''))
  }
  return snapshot
}

/** Views after the views they select from (by their qualified names in the definition). */
function orderViews(views: { name: string; sql: string }[], template: string): string[] {
  const done = new Set<string>()
  const out: string[] = []
  const visit = (v: { name: string; sql: string }, path: Set<string>) => {
    if (done.has(v.name) || path.has(v.name)) return
    path.add(v.name)
    for (const other of views) {
      if (other.name !== v.name && v.sql.includes(`${ident(template)}.${ident(other.name)}`))
        visit(other, path)
    }
    done.add(v.name)
    out.push(v.sql)
  }
  for (const v of views) visit(v, new Set())
  return out
}

/** One multi-statement batch that makes `database` a copy of the template (structure and seed rows). */
export function cloneSql(s: SchemaSnapshot, database: string): string {
  const db = ident(database)
  const rename = (sql: string) => sql.split(ident(s.template)).join(db)
  const parts = [
    `CREATE DATABASE ${db} CHARACTER SET ${s.charset} COLLATE ${s.collation}`,
    `USE ${db}`,
    'SET FOREIGN_KEY_CHECKS = 0',
    ...s.tables,
    ...s.data.map(({ table, columns }) => {
      const list = columns.map(ident).join(', ')
      return `INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM ${ident(s.template)}.${ident(table)}`
    }),
    'SET FOREIGN_KEY_CHECKS = 1',
    ...s.views.map(rename),
    ...s.routines.map(rename),
    ...s.triggers.map(rename),
    // leave the new database: the connection must not show up as a client of a test's database
    `USE ${ident(s.template)}`,
  ]
  return `${parts.join(';\n')};\n`
}

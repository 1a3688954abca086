import { describe, expect, it } from 'vitest'
import { cloneSql, type SchemaSnapshot } from './snapshot.js'

const snapshot: SchemaSnapshot = {
  template: 'infra_tpl_ab',
  charset: 'utf8mb4',
  collation: 'utf8mb4_unicode_ci',
  tables: ['CREATE TABLE `a` (\n  `id` int NOT NULL\n)'],
  data: [{ table: 'a', columns: ['id'] }],
  views: [
    'CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select `infra_tpl_ab`.`a`.`id` AS `id` from `infra_tpl_ab`.`a`',
  ],
  routines: [],
  triggers: [],
}

describe('cloneSql', () => {
  it('creates the database, its tables without FK checks, the seed rows, then the views', () => {
    const sql = cloneSql(snapshot, 'infra_t1_x_1')
    const parts = sql.split(';\n')
    expect(parts[0]).toBe('CREATE DATABASE `infra_t1_x_1` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci')
    expect(parts[1]).toBe('USE `infra_t1_x_1`')
    expect(parts[2]).toBe('SET FOREIGN_KEY_CHECKS = 0')
    expect(sql).toContain('INSERT INTO `a` (`id`) SELECT `id` FROM `infra_tpl_ab`.`a`')
    expect(sql.indexOf('FOREIGN_KEY_CHECKS = 1')).toBeLessThan(sql.indexOf('VIEW'))
    expect(parts.at(-2)).toBe('USE `infra_tpl_ab`')
  })

  it('points views at the new database, not the template', () => {
    const view = cloneSql(snapshot, 'db2')
      .split(';\n')
      .find((p) => p.includes('VIEW'))!
    expect(view).toContain('from `db2`.`a`')
    expect(view).not.toContain('infra_tpl_ab')
  })
})

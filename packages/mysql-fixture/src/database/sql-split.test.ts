import { describe, expect, it } from 'vitest'
import { splitSql } from './sql-split.js'

describe('splitSql', () => {
  it('splits on semicolons and keeps the line each statement starts on', () => {
    const text = '-- header\nCREATE TABLE a (id INT);\n\n\nINSERT INTO a VALUES (1);\n'
    expect(splitSql(text)).toEqual([
      { sql: 'CREATE TABLE a (id INT)', line: 2 },
      { sql: 'INSERT INTO a VALUES (1)', line: 5 },
    ])
  })

  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const text =
      "INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;', 'x\\';y');\nSELECT `we;ird` /* ; */ FROM t # ;\n;"
    const parts = splitSql(text)
    expect(parts).toHaveLength(2)
    expect(parts[0]!.sql).toContain("'x\\';y'")
    expect(parts[1]).toMatchObject({ line: 2 })
    expect(parts[1]!.sql).toContain('# ;')
  })

  it('follows DELIMITER lines, as the mariadb client does', () => {
    const text = [
      'CREATE TABLE t (id INT);',
      'DELIMITER //',
      'CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW',
      'BEGIN',
      '  SET NEW.id = NEW.id + 1;',
      'END//',
      'DELIMITER ;',
      'INSERT INTO t VALUES (1);',
    ].join('\n')
    const parts = splitSql(text)
    expect(parts.map((p) => p.line)).toEqual([1, 3, 8])
    expect(parts[1]!.sql).toMatch(/^CREATE TRIGGER[\s\S]*SET NEW.id = NEW.id \+ 1;\nEND$/)
  })

  it('drops comment-only chunks and keeps a last statement without a semicolon', () => {
    expect(splitSql('/* nothing */;\n-- only\nSELECT 1')).toEqual([{ sql: 'SELECT 1', line: 3 }])
  })
})

import { describe, expect, it } from 'vitest'
import { initSql, loggedReady } from './server-process.js'

describe('loggedReady', () => {
  it('sees the ready line of the current incarnation only', () => {
    const first = ['[Note] InnoDB: ...', '[Note] /usr/sbin/mariadbd: ready for connections.']
    expect(loggedReady(['[Note] starting'])).toBe(false)
    expect(loggedReady(first)).toBe(true)
    expect(loggedReady([...first, "--- restart of 'mariadb' ---", '[Note] InnoDB: starting'])).toBe(false)
  })
})

describe('initSql', () => {
  it('sets root passwords on both loopback accounts and creates the extra users, quoting values', () => {
    const sql = initSql("p'w", [{ name: 'app', password: 'x', grant: 'SELECT ON *.*' }])
    expect(sql).toContain("ALTER USER 'root'@'localhost' IDENTIFIED BY 'p''w';")
    expect(sql).toContain("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY 'p''w';")
    expect(sql).toContain("CREATE OR REPLACE USER 'app'@'127.0.0.1' IDENTIFIED BY 'x';")
    expect(sql).toContain("GRANT SELECT ON *.* TO 'app'@'localhost';")
  })
})

import { describe, expect, it } from 'vitest'
import { hbaConf, roleSql } from './auth.js'

describe('hbaConf', () => {
  it('trusts only the socket; TCP needs SCRAM, or md5 for the md5 users, listed first', () => {
    const conf = hbaConf({
      users: [
        { name: 'old', password: 'x', auth: 'md5' },
        { name: 'new', password: 'y' },
      ],
    })
    const lines = conf.trim().split('\n').slice(1)
    expect(lines).toEqual([
      'local all all trust',
      'host all "old" 127.0.0.1/32 md5',
      'host all "old" ::1/128 md5',
      'host all all 127.0.0.1/32 scram-sha-256',
      'host all all ::1/128 scram-sha-256',
    ])
  })

  it('requireTls: only hostssl lines, so a plain TCP connection finds no entry', () => {
    const conf = hbaConf({ requireTls: true })
    expect(conf).not.toMatch(/^host /m)
    expect(conf).toMatch(/^hostssl all all 127\.0\.0\.1\/32 scram-sha-256$/m)
  })
})

describe('roleSql', () => {
  it('quotes passwords, stores md5 ones as md5 and commits synchronously', () => {
    const sql = roleSql('postgres', "it's", [{ name: 'old', password: "o'k", auth: 'md5', superuser: true }])
    expect(sql.split(';\n')).toEqual([
      'SET synchronous_commit TO on',
      "SET password_encryption TO 'scram-sha-256'",
      "ALTER ROLE postgres PASSWORD 'it''s'",
      "SET password_encryption TO 'md5'",
      `CREATE ROLE "old" LOGIN SUPERUSER PASSWORD 'o''k'`,
    ])
  })
})

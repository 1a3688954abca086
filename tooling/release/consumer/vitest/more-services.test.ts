// MariaDB, etcd, ClickHouse, InfluxDB and Toxiproxy through the installed packages: one server each for
// the run (global setup), a database / key prefix / link scope of its own for each test.
import { connect } from 'node:net'
import { clickhouseFixtures } from '@infra/clickhouse-fixture/vitest'
import { etcdFixtures } from '@infra/etcd-fixture/vitest'
import { influxFixtures } from '@infra/influxdb-fixture/vitest'
import { mysqlFixtures } from '@infra/mysql-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { toxiproxyFixtures } from '@infra/toxiproxy-fixture/vitest'
import { test as baseTest, describe, expect, inject } from 'vitest'

const test = baseTest
  .extend(mysqlFixtures)
  .extend(etcdFixtures)
  .extend(clickhouseFixtures)
  .extend(influxFixtures)
  .extend(redisFixtures)
  .extend(toxiproxyFixtures)

/** A reply of Redis itself (the run's Redis wants a password: an unauthenticated PING gets NOAUTH). */
const REDIS_REPLY = /^(\+PONG|-NOAUTH)/

/** Sends a Redis PING over a raw socket to host:port; resolves with the reply or the socket error's code. */
function ping(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (result: string) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done('timeout after 5 s'), 5_000)
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => done(data.toString().trim()))
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message))
    socket.on('close', () => done('closed'))
  })
}

describe('installed @infra service packages', () => {
  test('the global setups provided one server each to this worker', async ({
    mysqlServer,
    etcdServer,
    clickhouseServer,
    influxServer,
    toxiproxyServer,
  }) => {
    expect(inject('infraMysql').url).toBe(mysqlServer.connectionInfo.url)
    expect(inject('infraEtcd').endpoints).toEqual(etcdServer.endpoints)
    expect(inject('infraClickHouse').url).toBe(clickhouseServer.connectionInfo.url)
    expect(inject('infraInfluxDB').url).toBe(influxServer.connectionInfo.url)
    expect(inject('infraToxiproxy').apiUrl).toBe(toxiproxyServer.apiUrl)
  })

  // Every test writes the same table / key / measurement / link name: they pass only if each is isolated.
  test.for(['first', 'second'])(
    '%s test has its own MariaDB database, etcd prefix, ClickHouse and InfluxDB database',
    async (which, { db, pool, etcd, clickhouse, influx }) => {
      const [current] = await pool.query('SELECT DATABASE() AS name')
      expect(current).toEqual([{ name: db.name }])
      await pool.query('CREATE TABLE orders (id INT PRIMARY KEY, note TEXT)')
      await pool.query('INSERT INTO orders VALUES (1, ?)', [which])
      const [rows] = await pool.query('SELECT COUNT(*) AS n FROM orders')
      expect(rows).toEqual([{ n: 1 }])

      await etcd.client().put('order/1').value(which)
      expect(await etcd.client().getAll().keys()).toEqual(['order/1'])

      await clickhouse.command('CREATE TABLE orders (id UInt32, note String) ENGINE = Memory')
      await clickhouse.insert('orders', [{ id: 1, note: which }])
      expect(await clickhouse.query('SELECT count() AS n FROM orders')).toEqual([{ n: '1' }])

      await influx.write(`orders,side=buy qty=1 1700000000000000000`)
      const points = await influx.query('SELECT qty FROM orders')
      expect(points).toHaveLength(1)
    },
  )

  test.for(['first', 'second'])(
    '%s test has its own Toxiproxy links in front of Redis',
    async (which, { redisServer, toxiproxy }) => {
      const link = await toxiproxy.proxy(redisServer, 'redis')
      expect(
        toxiproxy.links.map((l) => l.name),
        which,
      ).toEqual(['redis'])
      expect(await ping(link.host, link.port)).toMatch(REDIS_REPLY)
      await link.down()
      expect(await ping(link.host, link.port)).not.toMatch(REDIS_REPLY)
      await link.up()
      expect(await ping(link.host, link.port)).toMatch(REDIS_REPLY)
    },
  )
})

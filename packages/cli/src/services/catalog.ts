import { execFile } from 'node:child_process'
import type { FixtureServer } from '@infra/fixture-core'

// biome-ignore lint/suspicious/noExplicitAny: every fixture's isolated() type differs; the CLI needs only env()/stop()
export type AnyServer = FixtureServer<any>
type Module = Record<string, unknown>

/** What `infra doctor` reports for a service this machine can start. */
export interface Probe {
  version: string
  where: string
}

/** One kind of service the CLI can start. */
export interface ServiceKind {
  name: string
  aliases: readonly string[]
  packageName: string
  /** Whether `name:N` (a cluster of N nodes, option `nodes`) is allowed. */
  cluster: boolean
  /** Whether `name@V` (option `version`: the server version to start) is allowed. */
  versioned: boolean
  /** The env names `env()` gives (documented; the values come from the running server). */
  envNames: readonly string[]
  load(): Promise<Module>
  start(mod: Module, options: Record<string, unknown>): Promise<AnyServer>
  probe(mod: Module): Promise<Probe>
}

type StartFn = (options: Record<string, unknown>) => Promise<AnyServer>
/**
 * import() of an optional peer by a computed name: the CLI depends on no fixture package's types (its
 * calls go through `fn` below), so it builds and type-checks without them, and only a requested one loads.
 */
const importOptional = (name: string): Promise<Module> => import(name)
const fn = <T>(mod: Module, name: string): T => mod[name] as T

/** First line of `command args` (for versions), '' when it fails; bounded to 10 s. */
export function firstLine(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const text = `${stdout}${stderr}`.trim()
      resolve(err && !text ? '' : (text.split('\n')[0] ?? ''))
    })
  })
}

const binaryProbe =
  (resolver: string, versionArgs: readonly string[]) =>
  async (mod: Module): Promise<Probe> => {
    const bin = fn<() => string>(mod, resolver)()
    return { version: await firstLine(bin, versionArgs), where: bin }
  }

const starter = (name: string) => (mod: Module, options: Record<string, unknown>) =>
  fn<StartFn>(mod, name)(options)

export const SERVICES: readonly ServiceKind[] = [
  {
    name: 'pg',
    aliases: ['postgres', 'postgresql'],
    packageName: '@infra/pg-fixture',
    cluster: false,
    versioned: true,
    envNames: ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'],
    load: () => importOptional('@infra/pg-fixture'),
    start: starter('startPostgres'),
    async probe(mod) {
      const b = await fn<() => Promise<{ version: string; binDir: string; source: string }>>(
        mod,
        'resolvePgBinaries',
      )()
      return { version: `PostgreSQL ${b.version} (${b.source})`, where: b.binDir }
    },
  },
  {
    name: 'redis',
    aliases: [],
    packageName: '@infra/redis-fixture',
    cluster: false,
    versioned: true,
    envNames: ['REDIS_URL'],
    load: () => importOptional('@infra/redis-fixture'),
    start: starter('startRedis'),
    probe: binaryProbe('redisServerBinary', ['--version']),
  },
  {
    name: 'kafka',
    aliases: [],
    packageName: '@infra/kafka-fixture',
    cluster: true,
    versioned: true,
    envNames: ['KAFKA_BROKERS'],
    load: () => importOptional('@infra/kafka-fixture'),
    // nothing outside can fault one broker of a CLI cluster, so its nodes share one JVM (~40 % faster
    // start); `"sharedJvm": false` in the config keeps a JVM per node
    start: (mod, options) =>
      starter('startKafka')(mod, Number(options.nodes ?? 1) > 1 ? { sharedJvm: true, ...options } : options),
    async probe(mod) {
      const java = fn<() => { path: string; major: number }>(mod, 'resolveJava')()
      const libs = fn<(o: { version: string }) => { dir: string; version: string }>(
        mod,
        'resolveKafkaLibs',
      )({
        version: fn<string>(mod, 'DEFAULT_KAFKA_VERSION'),
      })
      return { version: `Kafka ${libs.version} on Java ${java.major}`, where: libs.dir }
    },
  },
  {
    name: 'mysql',
    aliases: ['mariadb'],
    packageName: '@infra/mysql-fixture',
    cluster: false,
    versioned: false,
    envNames: [
      'MYSQL_URL',
      'MYSQL_HOST',
      'MYSQL_PORT',
      'MYSQL_USER',
      'MYSQL_PASSWORD',
      'MYSQL_TEMPLATE_DATABASE',
    ],
    load: () => importOptional('@infra/mysql-fixture'),
    start: starter('startMysql'),
    async probe(mod) {
      const b = await fn<() => Promise<{ server: string; version: string }>>(mod, 'resolveMariadb')()
      return { version: b.version, where: b.server }
    },
  },
  {
    name: 'etcd',
    aliases: [],
    packageName: '@infra/etcd-fixture',
    cluster: true,
    versioned: false,
    envNames: ['ETCD_ENDPOINTS'],
    load: () => importOptional('@infra/etcd-fixture'),
    start: starter('startEtcd'),
    probe: binaryProbe('etcdBinary', ['--version']),
  },
  {
    name: 'clickhouse',
    aliases: [],
    packageName: '@infra/clickhouse-fixture',
    cluster: false,
    versioned: false,
    envNames: ['CLICKHOUSE_URL'],
    load: () => importOptional('@infra/clickhouse-fixture'),
    start: starter('startClickHouse'),
    async probe(mod) {
      const c = fn<() => { command: string; args: readonly string[] }>(mod, 'clickhouseServerCommand')()
      // clickhouse-server 18.x has no --version; its client (installed beside it) does
      const line = await firstLine('clickhouse-client', ['--version'])
      const version = /version ([\d.]+?)\.?$/.exec(line)?.[1]
      return { version: version ? `ClickHouse ${version}` : '', where: c.command }
    },
  },
  {
    name: 'influxdb',
    aliases: ['influx'],
    packageName: '@infra/influxdb-fixture',
    cluster: false,
    versioned: false,
    envNames: ['INFLUXDB_URL'],
    load: () => importOptional('@infra/influxdb-fixture'),
    start: starter('startInfluxDB'),
    probe: binaryProbe('influxdBinary', ['version']),
  },
  {
    name: 'toxiproxy',
    aliases: [],
    packageName: '@infra/toxiproxy-fixture',
    cluster: false,
    versioned: false,
    envNames: ['TOXIPROXY_URL'],
    load: () => importOptional('@infra/toxiproxy-fixture'),
    start: starter('startToxiproxy'),
    probe: binaryProbe('toxiproxyServerBinary', ['-version']),
  },
]

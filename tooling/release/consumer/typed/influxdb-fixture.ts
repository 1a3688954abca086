// Typed usage of @infra/influxdb-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  connectInfluxDB,
  type InfluxConnectionInfo,
  type InfluxDatabase,
  type InfluxDB,
  InfluxDBError,
  type InfluxDBOptions,
  type InfluxRow,
  startInfluxDB,
} from '@infra/influxdb-fixture'
import { createInfluxFixtures, type InfluxFixtures, influxGlobalSetup } from '@infra/influxdb-fixture/vitest'

const options: InfluxDBOptions = { poolSize: 1 }

export async function influxUsage(): Promise<InfluxConnectionInfo> {
  await using influx: InfluxDB = await startInfluxDB(options)
  const db: InfluxDatabase = await influx.isolated()
  await db.write('cpu,host=a usage=1')
  const rows: InfluxRow[] = await db.query('SELECT usage FROM cpu')
  await db.release()
  const attached: InfluxDB = connectInfluxDB(influx.connectionInfo)
  await attached.stop()
  void rows
  return influx.connectionInfo
}

export const isInfluxError = (error: unknown): boolean => error instanceof InfluxDBError
export const setup = influxGlobalSetup(options)
export const fixtures = createInfluxFixtures()
export type DatabaseName = InfluxFixtures['influx']['name']

import { fileURLToPath } from 'node:url'

/** The directory holding this app's Postgres `.sql` migrations (applied in lexical order by pg-fixture). */
export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url))

/** The directory holding this app's ClickHouse `.sql` migrations (applied in every test database). */
export const clickhouseMigrationsDir = fileURLToPath(new URL('../../clickhouse-migrations', import.meta.url))

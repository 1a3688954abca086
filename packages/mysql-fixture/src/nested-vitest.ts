/** Test helper: spawns `vitest run --config <config>` in its own process group. */
export { spawnVitest } from '@infra/vitest-config/spawn'

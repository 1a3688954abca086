/** A fixture function the way vitest's `test.extend` calls it: it gets the context and hands its value to `use`. */
export type FixtureFunction<Value, Context = object> = (
  context: Context,
  use: (value: Value) => Promise<void>,
) => Promise<void>

/**
 * vitest's worker-scoped fixture `[fn, { scope: 'worker' }]` (set up once per worker), typed as `fn`.
 *
 * Why typed as the function: `test.extend(fixtures)` infers each fixture's value from its function, but from a
 * tuple it also infers the tuple itself as a possible value, and the context turns into a union or `unknown`.
 * Typed as the function, `baseTest.extend(pgFixtures).extend(redisFixtures).extend(wsFixtures)` infers
 * `{ pgServer: Postgres; db: TestDatabase; … }` with no type argument, in any order. Only vitest reads the
 * value (it is an array at run time): pass it to `test.extend`, do not call it.
 */
export function workerScoped<Value, Context = object>(
  fn: FixtureFunction<Value, Context>,
): FixtureFunction<Value, Context> {
  return [fn, { scope: 'worker' }] as unknown as FixtureFunction<Value, Context>
}

/** vitest's file-scoped fixture `[fn, { scope: 'file' }]` (set up once per test file), typed as `fn`: see {@link workerScoped}. */
export function fileScoped<Value, Context = object>(
  fn: FixtureFunction<Value, Context>,
): FixtureFunction<Value, Context> {
  return [fn, { scope: 'file' }] as unknown as FixtureFunction<Value, Context>
}

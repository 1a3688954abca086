/**
 * A stand-in for the function object `create()` returns: created at once when `create()` succeeds, else on
 * first use (a call, a property read or an `in` check), then reused.
 *
 * For a ready `test` export: vitest's `test.extend()` throws unless a test file is being collected, and the
 * same module is imported by global-setup files (for `<x>GlobalSetup`), where none is. It must still run at
 * import when it can: vitest refuses file- and worker-scoped fixtures defined inside a `describe`. So:
 * `export const test = lazyCallable(() => baseTest.extend(pgFixtures))`.
 */
export function lazyCallable<T extends object>(create: () => T): T {
  let real: T | undefined
  try {
    real = create()
  } catch {
    // not possible here (e.g. a global-setup file): on first use
  }
  const get = (): T => {
    real ??= create()
    return real
  }
  return new Proxy(function lazy() {} as unknown as T, {
    apply: (_target, thisArg, args) => Reflect.apply(get() as (...a: unknown[]) => unknown, thisArg, args),
    get: (_target, prop) => Reflect.get(get(), prop),
    has: (_target, prop) => Reflect.has(get(), prop),
  })
}

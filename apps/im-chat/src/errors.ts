export type Dependency = 'mysql' | 'kafka' | 'redis' | 'etcd'

/** A dependency did not answer within the service's deadline, or answered with an error: HTTP 503. */
export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError'
  constructor(
    readonly dependency: Dependency,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable: ${reason}`, options)
  }
}

/** Bad input from a client: HTTP 400 (or `status`). */
export class RequestError extends Error {
  override name = 'RequestError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Runs `work` against `dependency` with a hard deadline: whatever the client library does, the caller gets a
 * DependencyUnavailableError after `ms` (naming what timed out), never a hang.
 */
export async function withDeadline<T>(
  dependency: Dependency,
  what: string,
  ms: number,
  work: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DependencyUnavailableError(dependency, `${what} timed out after ${ms} ms`)),
      ms,
    )
  })
  try {
    return await Promise.race([work(), deadline])
  } catch (error) {
    if (error instanceof DependencyUnavailableError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new DependencyUnavailableError(dependency, `${what} failed: ${message}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

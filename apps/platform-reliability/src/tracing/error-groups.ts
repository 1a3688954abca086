import { fingerprint, normalizeMessage } from './fingerprint.js'

export interface ErrorGroup {
  fingerprint: string
  name: string
  /** The normalized message shared by the group. */
  message: string
  count: number
  /** The traces the occurrences happened in (to open them in the trace backend). */
  traceIds: string[]
}

/** Errors grouped by {@link fingerprint}: one group per kind of failure, with its count and traces. */
export class ErrorGroups {
  readonly #groups = new Map<string, ErrorGroup>()

  record(error: Error, traceId: string): ErrorGroup {
    const key = fingerprint(error)
    const group = this.#groups.get(key) ?? {
      fingerprint: key,
      name: error.name,
      message: normalizeMessage(error.message),
      count: 0,
      traceIds: [],
    }
    group.count++
    if (!group.traceIds.includes(traceId)) group.traceIds.push(traceId)
    this.#groups.set(key, group)
    return group
  }

  /** The groups, most frequent first. */
  list(): ErrorGroup[] {
    return [...this.#groups.values()].sort((a, b) => b.count - a.count)
  }
}

/** Share of the data dir's free space the pool may fill with its clones (the rest: the tests' own writes, WAL, other handles). */
export const FREE_SPACE_SHARE = 0.5
/** Live clones a handle keeps at most beyond its ready ones, free space permitting (handed out + waiting to be dropped). */
export const LIVE_HEADROOM = 16
/** A clone takes at least this much (catalogs, even of an empty template). */
const MIN_CLONE_BYTES = 8 * 2 ** 20

export interface PoolSizingInput {
  /** Ready clones asked for (the `poolSize` option). */
  requested: number
  /** Size of the template database (`pg_database_size`); a clone takes as much. Undefined: unknown. */
  templateBytes: number | undefined
  /** Free bytes of the file system holding the data dir (statfs). Undefined: unknown (not local). */
  freeBytes: number | undefined
}

export interface PoolSizing {
  /** Ready clones to keep: `requested`, fewer when space is short, never below 1 unless 0 was asked for. */
  size: number
  /** Cap on the clones alive at once (ready + handed out + waiting to be dropped), at least 1. */
  maxLive: number
  /** Why, for the debug log. */
  reason: string
}

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`

/**
 * The pool's target and cap from the template's size and the free space where its clones go: at most
 * {@link FREE_SPACE_SHARE} of the free space is filled with clones, ready ones included. A 235 MB template on a
 * 1 GB tmpfs gets 2 live clones (1 ready), not 15. Without both readings only `requested` counts.
 */
export function sizeClonePool({ requested, templateBytes, freeBytes }: PoolSizingInput): PoolSizing {
  const unbounded = requested + LIVE_HEADROOM
  if (templateBytes === undefined || freeBytes === undefined) {
    return { size: requested, maxLive: unbounded, reason: 'free space or template size unknown' }
  }
  const perClone = Math.max(templateBytes, MIN_CLONE_BYTES)
  const fits = Math.floor((freeBytes * FREE_SPACE_SHARE) / perClone)
  const maxLive = Math.max(1, Math.min(unbounded, fits))
  // one of the live clones is the one a test holds: keep the rest ready
  const size = requested === 0 ? 0 : Math.max(1, Math.min(requested, maxLive - 1))
  const reason = `template ${mb(templateBytes)}, ${mb(freeBytes)} free: room for ${fits} clone(s) in ${Math.round(FREE_SPACE_SHARE * 100)}% of it`
  return { size, maxLive, reason }
}

import { check, checkOptions, InvalidOptionsError, type OptionSchema } from '@infra/fixture-core'
import type { Direction, ToxicOptions } from './toxic.js'

export interface LatencyOptions extends ToxicOptions {
  /** Random variation, ± ms. Default 0. */
  jitter?: number
}

export interface SlicerOptions extends ToxicOptions {
  /** Average size of a slice in bytes. Default 64. */
  averageSize?: number
  /** Variation of the slice size in bytes (less than `averageSize`). Default 32. */
  sizeVariation?: number
  /** Delay between slices in microseconds. Default 0. */
  delayUs?: number
}

const DIRECTIONS: readonly Direction[] = ['downstream', 'upstream', 'both']

function toxicity(): (value: unknown, key: string) => void {
  return (value, key) => {
    if (value === undefined) return
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new InvalidOptionsError(key, `expected a share of connections from 0 to 1, got ${String(value)}`)
    }
  }
}

const base: OptionSchema<ToxicOptions> = { direction: check.oneOf(...DIRECTIONS), toxicity: toxicity() }

export function checkToxicOptions(where: string, options: ToxicOptions | undefined): ToxicOptions {
  return checkOptions(where, options, base)
}

export function checkLatencyOptions(options: LatencyOptions | undefined): LatencyOptions {
  return checkOptions('latency()', options, { ...base, jitter: check.ms({ allowZero: true }) })
}

export function checkSlicerOptions(options: SlicerOptions | undefined): SlicerOptions {
  const o = checkOptions('slicer()', options, {
    ...base,
    averageSize: check.int(1),
    sizeVariation: check.int(0),
    delayUs: check.int(0),
  })
  if ((o.sizeVariation ?? 32) >= (o.averageSize ?? 64)) {
    throw new InvalidOptionsError('sizeVariation', 'must be smaller than averageSize')
  }
  return o
}

/** A non-negative number argument (ms, bytes, KB/s). */
export function checkAmount(
  what: string,
  value: unknown,
  { allowZero = true, integer = false } = {},
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidOptionsError(
      what,
      `expected a finite ${integer ? 'integer' : 'number'} ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`,
    )
  }
  return value
}

/** A value whose z-score against the window before it exceeds the threshold. */
export interface Anomaly {
  index: number
  value: number
  zScore: number
}

/**
 * The z-score of `value` against `window` (population standard deviation); 0 when the window is flat and
 * the value equals its mean, ±Infinity when the window is flat and the value differs.
 */
export function zScore(window: readonly number[], value: number): number {
  if (window.length === 0) throw new RangeError('zScore needs a window of at least one value')
  const mean = window.reduce((s, x) => s + x, 0) / window.length
  const sd = Math.sqrt(window.reduce((s, x) => s + (x - mean) ** 2, 0) / window.length)
  if (sd === 0) return value === mean ? 0 : Math.sign(value - mean) * Number.POSITIVE_INFINITY
  return (value - mean) / sd
}

/** Every point of `series` whose z-score against the `windowSize` points before it is above `threshold`. */
export function detectAnomalies(series: readonly number[], windowSize = 10, threshold = 3): Anomaly[] {
  if (!Number.isInteger(windowSize) || windowSize < 2)
    throw new RangeError('windowSize must be an integer ≥ 2')
  const out: Anomaly[] = []
  for (let i = windowSize; i < series.length; i++) {
    const z = zScore(series.slice(i - windowSize, i), series[i]!)
    if (Math.abs(z) > threshold) out.push({ index: i, value: series[i]!, zScore: z })
  }
  return out
}

/** Default timeout of inbox expectations (ms): generous for a loaded CI machine, but finite. */
export const DEFAULT_EXPECT_TIMEOUT_MS = 3_000

export interface ExpectOptions {
  /** How long to wait (ms). Default: the socket's `expectTimeout` (3 000 ms unless configured). */
  timeout?: number
}

import { check, checkOptions } from '@infra/fixture-core'

export interface ToxiproxyOptions {
  /** The API port. Default: an ephemeral one (retried if another process takes it first). */
  port?: number
  /** How long the server may take to answer its API. Default 10 000 ms. */
  startTimeoutMs?: number
  /** Grace period after SIGTERM before SIGKILL on stop. Default 3 000 ms. */
  stopGraceMs?: number
  /** Timeout of each API call (adding a toxic, creating a link …). Default 5 000 ms. */
  apiTimeoutMs?: number
}

export function checkToxiproxyOptions(options: ToxiproxyOptions | undefined): ToxiproxyOptions {
  return checkOptions('startToxiproxy()', options, {
    port: check.port(),
    startTimeoutMs: check.ms(),
    stopGraceMs: check.ms({ allowZero: true }),
    apiTimeoutMs: check.ms(),
  })
}

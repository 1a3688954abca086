/** Bad order input: the message names the field and the rule it broke. HTTP 400. */
export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
  }
}

/** The idempotency key was used before for a different order body. HTTP 422. */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError'
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${JSON.stringify(idempotencyKey)} was already used for a different order`)
  }
}

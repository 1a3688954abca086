/** An error the API turns into a JSON response `{ error: { code, message, constraint? } }` with `status`. */
export class HttpError extends Error {
  override readonly name = 'HttpError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly constraint?: string,
  ) {
    super(message)
  }

  toBody(): { error: { code: string; message: string; constraint?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.constraint ? { constraint: this.constraint } : {}),
      },
    }
  }
}

export const notFound = (what: string, id: string): HttpError =>
  new HttpError(404, 'not_found', `${what} ${id} does not exist`)

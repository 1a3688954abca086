import crypto from 'node:crypto'

const LEGAL = /^[a-zA-Z0-9._-]+$/

/** A short random prefix for everything one fixture creates: `<base>-<8 hex>-`. */
export function runPrefix(base = 'infra'): string {
  return `${base}-${crypto.randomBytes(4).toString('hex')}-`
}

/** Generates unique, legal topic / group names under a prefix. */
export class NameGenerator {
  private counter = 0
  constructor(readonly prefix: string) {
    if (!LEGAL.test(prefix)) throw new Error(`'${prefix}' has characters Kafka does not allow in topic names`)
  }
  next(kind: string): string {
    this.counter++
    return `${this.prefix}${kind}${this.counter}-${crypto.randomBytes(3).toString('hex')}`
  }
}

export function isLegalTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && LEGAL.test(name) && name !== '.' && name !== '..'
}

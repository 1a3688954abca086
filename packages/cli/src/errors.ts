import { FixtureError } from '@infra/fixture-core'

/** A service name the CLI does not know (`infra up postgress`). Names the nearest known one. */
export class UnknownServiceError extends FixtureError {
  readonly service: string
  constructor(service: string, known: readonly string[], nearest?: string) {
    const hint = nearest ? ` Did you mean '${nearest}'?` : ''
    super('UNKNOWN_SERVICE', `Unknown service '${service}'.${hint} Known services: ${known.join(', ')}.`)
    this.service = service
  }
}

/** The fixture package a requested service needs is not installed (it is an optional peer of @infra/cli). */
export class MissingFixturePackageError extends FixtureError {
  readonly packageName: string
  constructor(service: string, packageName: string, cause?: unknown) {
    super(
      'MISSING_FIXTURE_PACKAGE',
      `Service '${service}' needs the package ${packageName}, which is not installed. ` +
        `To fix: npm i -D ${packageName} (or pnpm add -D ${packageName}).`,
      { cause },
    )
    this.packageName = packageName
  }
}

/** Bad command line or config file: says what was wrong and what the usage is. */
export class UsageError extends FixtureError {
  constructor(message: string) {
    super('USAGE', message)
  }
}

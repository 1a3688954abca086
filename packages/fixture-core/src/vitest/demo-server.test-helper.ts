import { FixtureLifecycle, type FixtureServer } from '../shape/fixture-server.js'
import { defineServerFixtures } from './define-server-fixtures.js'

// glue-only test: a fake handle stands in for a server (the packages' integration tests use real ones)
export class Namespace implements AsyncDisposable {
  released = false
  constructor(readonly name: string) {}
  async [Symbol.asyncDispose]() {
    this.released = true
  }
}

export const created: Namespace[] = []

export class DemoServer implements FixtureServer<Namespace> {
  readonly service = 'demo'
  readonly #life = new FixtureLifecycle('demo')
  constructor(
    readonly provider: 'local' | 'external',
    readonly url: string,
  ) {}
  env() {
    return { DEMO_URL: this.url }
  }
  async isolated() {
    this.#life.assertRunning('isolated')
    const ns = new Namespace(`ns${created.length}`)
    created.push(ns)
    return ns
  }
  async kill() {}
  async pause() {}
  async resume() {}
  async restart() {}
  stop() {
    return this.#life.stopOnce(async () => {})
  }
  [Symbol.asyncDispose]() {
    return this.stop()
  }
}

export interface DemoOptions {
  flavour?: string
  poolSize?: number
}

export function glue(injected: { url: string } | undefined) {
  return defineServerFixtures({
    key: 'infraDemo',
    inject: () => injected,
    globalSetupName: 'demoGlobalSetup()',
    fixturesName: 'createDemoFixtures()',
    serverFixture: 'demoServer',
    isolatedFixture: 'demo',
    start: async (_options: DemoOptions) => new DemoServer('local', 'demo://own'),
    info: (server) => ({ url: server.url }),
    attach: (info) => new DemoServer('local', info.url),
    perWorkerOptions: ['poolSize'],
  })
}

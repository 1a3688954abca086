import { composeGlobalSetups, wsGlobalSetup } from '../../src/vitest.js'

// two shared servers would need two keys; a plain second setup stands in for another package's
export default composeGlobalSetups(
  wsGlobalSetup({ path: '/shared' }),
  async (project: { provide(key: 'otherSetup', value: string): void }) => {
    project.provide('otherSetup', 'started after ws')
    return () => {}
  },
)

declare module 'vitest' {
  interface ProvidedContext {
    otherSetup: string
  }
}

import { afterAll, beforeAll } from 'vitest'
import { test as appTest } from './app-test.js'
import { launchChromium, PageSession } from './browser.js'

/**
 * `test` with `pages` (a PageSession on this file's Chromium). The browser is launched once for the file
 * and closed in afterAll, also when tests failed; a failed test leaves its screenshots and console logs
 * in test-results/. A page error (an uncaught exception in the page) fails a test that otherwise passed.
 */
export function browserTest() {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return appTest.extend<{ pages: PageSession }>({
    pages: async ({ task, onTestFailed }, use) => {
      if (!browser) throw new Error('Chromium did not start (see beforeAll)')
      const session = new PageSession(browser)
      let saved: Promise<string> | undefined
      const save = () => {
        saved ??= session.saveArtifacts(`${task.file.name.replace(/^.*\//, '')}-${task.name}`)
        return saved
      }
      onTestFailed(async () => {
        console.error(`artifacts of the failed test: ${await save()}`)
      })
      try {
        await use(session)
        if (task.result?.state === 'fail') await save()
        if (session.pageErrors.length > 0) {
          await save()
          throw new Error(`uncaught errors in the page:\n${session.pageErrors.join('\n')}`)
        }
      } finally {
        await session.close()
      }
    },
  })
}

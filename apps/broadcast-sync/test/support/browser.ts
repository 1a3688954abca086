// Chromium for the E2E suites: Debian's /usr/bin/chromium driven by playwright-core (never a downloaded
// browser), headless, no display. One browser per file (launch in beforeAll, close in afterAll); per test a
// PageSession that records each page's console and, when the test fails, keeps a screenshot and that log
// under test-results/.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { ConnectionState, OrdersSync, SyncActivity } from '../../src/index.js'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url))
/** Every wait on the page is bounded by this (ms). */
export const PAGE_TIMEOUT_MS = 10_000

/** What the page exposes as `window.broadcastSync` (see src/page/main.ts). */
export interface PageGlobals {
  broadcastSync: {
    log: SyncActivity[]
    states: ConnectionState[]
    client: { reconnects: number; isSubscribed(channel: string): boolean }
    sync: OrdersSync
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // root in a container: no sandbox; a small /dev/shm: use /tmp
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 30_000,
  })
}

interface OpenedPage {
  name: string
  page: Page
  lines: string[]
}

export class PageSession {
  private readonly opened: OpenedPage[] = []
  private readonly contexts: BrowserContext[] = []
  readonly pageErrors: string[] = []

  constructor(private readonly browser: Browser) {}

  /** A fresh browser context: its own storage, so no BroadcastChannel shared with other contexts. */
  async newContext(): Promise<BrowserContext> {
    const context = await this.browser.newContext()
    context.setDefaultTimeout(PAGE_TIMEOUT_MS)
    this.contexts.push(context)
    return context
  }

  /** Opens `url` (in `context`, default a new one) and waits until its WebSocket is open and subscribed. */
  async open(url: string, options: { context?: BrowserContext; name?: string } = {}): Promise<Page> {
    const context = options.context ?? (await this.newContext())
    const page = await context.newPage()
    const entry: OpenedPage = { name: options.name ?? `page${this.opened.length + 1}`, page, lines: [] }
    this.opened.push(entry)
    const stamp = () => new Date().toISOString().slice(11, 23)
    page.on('console', (message) => entry.lines.push(`${stamp()} [${message.type()}] ${message.text()}`))
    page.on('pageerror', (error) => {
      entry.lines.push(`${stamp()} [pageerror] ${error.message}`)
      this.pageErrors.push(`${entry.name}: ${error.message}`)
    })
    await page.goto(url, { timeout: PAGE_TIMEOUT_MS })
    await waitForSubscribed(page)
    return page
  }

  /** A screenshot and the console log of every page still open, into test-results/<test>/. */
  async saveArtifacts(testName: string): Promise<string> {
    const dir = join(RESULTS_DIR, testName.replace(/[^\w.-]+/g, '_').slice(0, 100))
    await mkdir(dir, { recursive: true })
    for (const { name, page, lines } of this.opened) {
      await writeFile(join(dir, `${name}.console.log`), `${lines.join('\n')}\n`)
      if (!page.isClosed()) {
        await page
          .screenshot({ path: join(dir, `${name}.png`), fullPage: true, timeout: 5_000 })
          .catch(() => {})
      }
    }
    return dir
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => {})))
  }
}

/** Waits until the page's client is open and the server acknowledged `orders`. */
export async function waitForSubscribed(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as PageGlobals).broadcastSync?.client.isSubscribed('orders'),
    undefined,
    { timeout: PAGE_TIMEOUT_MS },
  )
}

/** `source:type` of the page's sync log entries (for one order, when given), in order. */
export async function pageSteps(page: Page, orderId?: string): Promise<string[]> {
  return page.evaluate(
    (id) =>
      (window as unknown as PageGlobals).broadcastSync.log
        .filter((a) => id === undefined || a.orderId === id)
        .map((a) => `${a.source}:${a.type}`),
    orderId,
  )
}

/** Fills and submits the page's "new order" form. */
export async function submitOrder(page: Page, order: { customer: string; item: string; quantity: number }) {
  await page.fill('input[name=customer]', order.customer)
  await page.fill('input[name=item]', order.item)
  await page.fill('input[name=quantity]', String(order.quantity))
  await page.click('button[type=submit]')
}

import { readFile } from 'node:fs/promises'
import type { Router } from './http/router.js'

/** Where `build` (and the integration global setup) write the page's bundle. */
export const defaultPageBundle = new URL('../../dist/public/app.js', import.meta.url)

const HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Orders — broadcast-sync</title>
  <style>
    body { font: 15px system-ui, sans-serif; margin: 2rem; max-width: 40rem }
    #state { padding: .1rem .5rem; border-radius: .3rem; background: #eee }
    #state[data-state=open] { background: #c8f7c5 } #state[data-state=reconnecting] { background: #fde2a7 }
    li[data-pending=true] { opacity: .5 } #error:empty { display: none } #error { color: #b00020 }
    form { display: flex; gap: .5rem; margin: 1rem 0 }
  </style>
</head>
<body>
  <h1>Orders <small id="state" data-state="closed">closed</small></h1>
  <form id="new-order">
    <input name="customer" placeholder="customer" required>
    <input name="item" placeholder="item" required>
    <input name="quantity" type="number" value="1">
    <button type="submit">Add order</button>
  </form>
  <p id="error" role="alert"></p>
  <ul id="orders"></ul>
  <script type="module" src="/app.js"></script>
</body>
</html>
`

/** `GET /` (the order list page), `GET /app.js` (its bundle, read once per app), no favicon. */
export function addPageRoutes(router: Router, bundlePath: URL | string = defaultPageBundle): void {
  let bundle: Promise<Buffer> | undefined
  router
    .raw('GET', '/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      res.end(HTML)
    })
    .raw('GET', '/favicon.ico', (_req, res) => {
      res.writeHead(204).end()
    })
    .raw('GET', '/app.js', (_req, res) => {
      bundle ??= readFile(bundlePath)
      bundle.then(
        (code) => {
          res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
          res.end(code)
        },
        (error: Error) => {
          bundle = undefined
          res.writeHead(500, { 'content-type': 'text/plain' })
          res.end(`the page bundle is missing (${error.message}); run the build first`)
        },
      )
    })
}

// The runners' copy of test/helpers.ts serverSpec (runners are plain node scripts).
import net from 'node:net'
import { fileURLToPath } from 'node:url'

export const TCP_SERVER = fileURLToPath(new URL('../servers/tcp-server.mjs', import.meta.url))

export function ping(port, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    let buf = ''
    const fail = (err) => {
      clearTimeout(timer)
      sock.destroy()
      reject(err)
    }
    const timer = setTimeout(() => fail(new Error(`no answer from port ${port}`)), timeoutMs)
    signal?.addEventListener('abort', () => fail(new Error('aborted')), { once: true })
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write('ping\n'))
    sock.on('data', (c) => {
      buf += c
      if (buf.includes('\n')) {
        clearTimeout(timer)
        sock.destroy()
        resolve(buf.trim())
      }
    })
    sock.on('error', fail)
  })
}

export function serverSpec(name, port, env = {}) {
  return {
    name,
    command: process.execPath,
    args: [TCP_SERVER],
    env: { PORT: String(port), ...env },
    port,
    ready: async ({ signal }) => (await ping(port, 2_000, signal)).startsWith('pong'),
    readyTimeoutMs: 45_000,
    stopGraceMs: 3_000,
  }
}

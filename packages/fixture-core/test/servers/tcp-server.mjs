// A tiny line-protocol server for fixture-core's tests: answers "ping\n" with
// "pong <pid> <uid> <token>\n". Behaviour by env:
//   PORT (required unless MODE=crash|never-ready), TOKEN, LISTEN_DELAY_MS,
//   MODE=normal | ignore-term | crash (prints LINES lines, then exits 3) | never-ready
//   SPAWN_CHILD=1 starts a helper process in the same process group and prints "child <pid>"
//   DATA_DIR=<dir> writes "<dir>/owner" (proves the server can write its data dir)
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

const mode = process.env.MODE ?? 'normal'
process.on('SIGTERM', () => {
  if (mode === 'ignore-term') {
    console.log('ignoring SIGTERM')
    return
  }
  console.log('got SIGTERM, bye')
  process.exit(0)
})

if (process.env.SPAWN_CHILD) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  console.log(`child ${child.pid}`)
}
if (process.env.DATA_DIR) fs.writeFileSync(`${process.env.DATA_DIR}/owner`, String(process.getuid()))

if (mode === 'crash') {
  // all on stderr: one stream keeps the order the test checks
  for (let i = 1; i <= Number(process.env.LINES ?? 60); i++) console.error(`boot line ${i}`)
  console.error('fatal: config is broken')
  process.exit(3)
} else if (mode === 'never-ready') {
  console.log('warming up forever')
  setInterval(() => {}, 1000)
} else {
  const server = net.createServer((sock) => {
    sock.setEncoding('utf8')
    sock.on('error', () => {})
    sock.on('data', (chunk) => {
      if (chunk.includes('\n'))
        sock.end(`pong ${process.pid} ${process.getuid()} ${process.env.TOKEN ?? '-'}\n`)
    })
  })
  server.on('error', (err) => {
    console.error(`listen failed: ${err.message}`)
    process.exit(1)
  })
  const port = Number(process.env.PORT)
  setTimeout(
    () => server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`)),
    Number(process.env.LISTEN_DELAY_MS ?? 0),
  )
}

// Helpers of the security tests: what a local user without the password sees, and who runs a process.
import fs from 'node:fs'
import net from 'node:net'

/** One raw RESP inline command without AUTH on a fresh connection; resolves with the first reply line. */
export function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`${command}\r\n`))
    sock.setEncoding('utf8')
    sock.once('data', (d: string) => {
      sock.destroy()
      resolve(d.split('\r\n')[0]!)
    })
    sock.once('error', reject)
    sock.once('close', () => reject(new Error(`127.0.0.1:${port} closed the connection without a reply`)))
    sock.setTimeout(5_000, () => sock.destroy(new Error(`no answer from 127.0.0.1:${port} within 5 s`)))
  })
}

/** The real uid of a running process (`Uid:` of /proc/<pid>/status). */
export function processUid(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1]
  if (uid === undefined) throw new Error(`no Uid line in /proc/${pid}/status`)
  return Number(uid)
}

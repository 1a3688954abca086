import WebSocket, { WebSocketServer } from 'ws'
import { connectMany, measureBroadcast, startWsServer } from '/work/main/packages/ws-harness/dist/index.js'
const mode = process.argv[2]
const N = 1000, ROUNDS = 100
async function raw() {
  const wss = await new Promise((r) => { const s = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => r(s)) })
  const url = `ws://127.0.0.1:${wss.address().port}/`
  const clients = []
  let next = 0
  await Promise.all(Array.from({ length: 100 }, async () => { while (next++ < N) clients.push(await new Promise((res, rej) => { const w = new WebSocket(url); w.once('open', () => res(w)); w.once('error', rej) })) }))
  const samples = []
  let onArrival = () => {}
  for (const c of clients) c.on('message', () => onArrival())
  for (let r = -3; r < ROUNDS; r++) {
    const start = performance.now(); let got = 0
    const done = new Promise((resolve) => { onArrival = () => { const d = performance.now() - start; if (r >= 0) samples.push(d); if (++got === N) resolve() } })
    const msg = JSON.stringify({ type: 'tick', round: r })
    for (const c of wss.clients) c.send(msg)
    await done
  }
  for (const c of clients) c.terminate()
  await new Promise((r) => wss.close(r))
  samples.sort((a, b) => a - b)
  return [samples[499 * 100], samples[Math.ceil(samples.length * 0.99) - 1]]
}
async function ours() {
  const server = await startWsServer({ onConnection: () => {}, record: false })
  const group = await connectMany(server.url, N, { historyLimit: 10 })
  const m = await measureBroadcast(group, (round) => server.broadcast({ type: 'tick', round }), { rounds: ROUNDS })
  group.terminateAll(); await server.stop()
  return [m.p50, m.p99]
}
for (let i = 0; i < 3; i++) {
  const r = mode === 'raw' ? await raw() : await ours()
  console.log(mode, r.map((x) => x.toFixed(1)).join(' '))
}

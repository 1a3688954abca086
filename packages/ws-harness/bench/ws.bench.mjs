// pnpm bench → bench/results/ws.json
// Harness vs a raw `ws` loop doing the same work, in the same run, interleaved, median of REPS.
// 1,000 clients need ~2,000 file descriptors (client + server end of each socket): checked below.
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket, { WebSocketServer } from 'ws'
import { connect, connectMany, measureBroadcast, measureRoundtrip, startWsServer } from '../dist/index.js'

const CLIENTS = 1000
const ROUNDS = 100
const ECHOES = 50_000
const CONCURRENCY = 100
const REPS = Number(process.env.WS_BENCH_REPS ?? 3)
const PAYLOAD = 'x'.repeat(32)

const nofile = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim())
if (Number.isFinite(nofile) && nofile < 2 * CLIENTS + 256) {
  console.error(`ulimit -n is ${nofile}; 1,000 clients need about ${2 * CLIENTS + 256}. Run: ulimit -n 4096`)
  process.exit(1)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const round2 = (x) => Math.round(x * 100) / 100

// ---------- raw ws anchor ----------
function rawServer(onConnection) {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => resolve(wss))
    wss.on('connection', onConnection)
  })
}
const closeRawServer = (wss) =>
  new Promise((resolve) => {
    for (const c of wss.clients) c.terminate()
    wss.close(() => resolve())
  })
function rawConnect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}
async function rawConnectMany(url, n) {
  const out = []
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      out.push(await rawConnect(url))
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return out
}
const rawCloseAll = (clients) =>
  Promise.all(
    clients.map(
      (c) =>
        new Promise((resolve) => {
          c.once('close', resolve)
          c.close()
        }),
    ),
  )

async function rawConnectAndBroadcast() {
  const wss = await rawServer(() => {})
  const url = `ws://127.0.0.1:${wss.address().port}/`
  const t0 = performance.now()
  const clients = await rawConnectMany(url, CLIENTS)
  const connectMs = performance.now() - t0
  const samples = []
  let onArrival = () => {}
  for (const c of clients) c.on('message', () => onArrival())
  for (let r = -3; r < ROUNDS; r++) {
    const start = performance.now()
    let got = 0
    const done = new Promise((resolve) => {
      onArrival = () => {
        const d = performance.now() - start
        if (r >= 0) samples.push(d)
        if (++got === CLIENTS) resolve()
      }
    })
    const msg = JSON.stringify({ type: 'tick', round: r })
    for (const c of wss.clients) c.send(msg)
    await done
  }
  await rawCloseAll(clients)
  await closeRawServer(wss)
  samples.sort((a, b) => a - b)
  return {
    connectMs,
    p50: samples[Math.ceil(samples.length * 0.5) - 1],
    p99: samples[Math.ceil(samples.length * 0.99) - 1],
  }
}

async function rawRoundtrip() {
  const wss = await rawServer((ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })))
  const ws = await rawConnect(`ws://127.0.0.1:${wss.address().port}/`)
  const t0 = performance.now()
  await new Promise((resolve) => {
    let received = 0
    ws.on('message', () => {
      if (++received === ECHOES) resolve()
      else ws.send(PAYLOAD)
    })
    ws.send(PAYLOAD)
  })
  const perSec = (ECHOES / (performance.now() - t0)) * 1000
  ws.close()
  await closeRawServer(wss)
  return perSec
}

// ---------- harness ----------
async function harnessConnectAndBroadcast() {
  const server = await startWsServer({ onConnection: () => {}, record: false })
  const t0 = performance.now()
  const group = await connectMany(server.url, CLIENTS, { concurrency: CONCURRENCY, historyLimit: 10 })
  const connectMs = performance.now() - t0
  const m = await measureBroadcast(group, (round) => server.broadcast({ type: 'tick', round }), {
    rounds: ROUNDS,
  })
  await group.closeAll()
  await server.stop()
  return { connectMs, p50: m.p50, p99: m.p99 }
}

async function harnessRoundtrip() {
  const server = await startWsServer()
  const client = await connect(server.url)
  const r = await measureRoundtrip(client, { messages: ECHOES, payload: PAYLOAD })
  await client.close()
  await server.stop()
  return r.msgsPerSec
}

const acc = {
  connect: [],
  rawConnect: [],
  p99: [],
  rawP99: [],
  p50: [],
  rawP50: [],
  rt: [],
  rawRt: [],
}
for (let i = 0; i < REPS; i++) {
  const raw = await rawConnectAndBroadcast()
  const ours = await harnessConnectAndBroadcast()
  acc.rawConnect.push(raw.connectMs)
  acc.connect.push(ours.connectMs)
  acc.rawP99.push(raw.p99)
  acc.p99.push(ours.p99)
  acc.rawP50.push(raw.p50)
  acc.p50.push(ours.p50)
  acc.rawRt.push(await rawRoundtrip())
  acc.rt.push(await harnessRoundtrip())
  console.error(`rep ${i + 1}/${REPS} done`)
}

const result = {
  connect_1000_ms: round2(median(acc.connect)),
  anchor_raw_connect_1000_ms: round2(median(acc.rawConnect)),
  broadcast_p99_ms: round2(median(acc.p99)),
  anchor_raw_broadcast_p99_ms: round2(median(acc.rawP99)),
  broadcast_p50_ms: round2(median(acc.p50)),
  anchor_raw_broadcast_p50_ms: round2(median(acc.rawP50)),
  roundtrip_msgs_per_s: Math.round(median(acc.rt)),
  anchor_raw_roundtrip_msgs_per_s: Math.round(median(acc.rawRt)),
}
result.broadcast_p99_ratio = round2(result.broadcast_p99_ms / result.anchor_raw_broadcast_p99_ms)
result.roundtrip_ratio = round2(result.roundtrip_msgs_per_s / result.anchor_raw_roundtrip_msgs_per_s)
result.reps = REPS
result.ulimit_nofile = nofile

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'ws.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))

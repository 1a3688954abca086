import { waitFor } from '@infra/fixture-core'
import type { Namespace, Watcher } from 'etcd3'

/** Puts until one attempt succeeds (each attempt with its own short deadline); bounded by `timeoutMs`. */
export async function putUntilOk(
  client: Namespace,
  key: string,
  value: string,
  { attemptMs = 250, timeoutMs = 10_000 } = {},
): Promise<number> {
  let attempts = 0
  await waitFor(
    async () => {
      attempts++
      await client
        .put(key)
        .value(value)
        .options({ deadline: Date.now() + attemptMs })
      return true
    },
    { what: `a put of '${key}' to succeed`, timeoutMs, intervalMs: 0 },
  )
  return attempts
}

export interface SeenEvent {
  key: string
  value: string
  modRevision: number
}

/** A watch on `prefix` of `client` that records every put, in arrival order. */
export async function recordPuts(
  client: Namespace,
  prefix: string,
): Promise<{ watcher: Watcher; seen: SeenEvent[] }> {
  const seen: SeenEvent[] = []
  const watcher = await client.watch().prefix(prefix).create()
  watcher.on('put', (kv) => {
    seen.push({ key: kv.key.toString(), value: kv.value.toString(), modRevision: Number(kv.mod_revision) })
  })
  watcher.on('error', () => {}) // reconnects by itself; the assertions show what arrived
  return { watcher, seen }
}

import { withTimeout } from '@infra/fixture-core'

interface Disconnectable {
  disconnect(): Promise<void>
}

/**
 * Disconnects a kafkajs client (or one still connecting, or whose connect failed) within 5 s; errors and
 * the timeout are ignored: used on the way out, where there is nothing left to do about them.
 */
export async function disconnectQuietly(
  client: Disconnectable | Promise<Disconnectable> | undefined,
): Promise<void> {
  if (!client) return
  await withTimeout(
    Promise.resolve(client).then((c) => c.disconnect()),
    5_000,
    'a kafkajs client to disconnect',
  ).catch(() => {})
}

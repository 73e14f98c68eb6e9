// Starting the bench's peer processes (peers/*.ts) and running their client modes.
import { join } from 'node:path'
import { start, PEERS, type Child } from './process.ts'

export interface Served { child: Child, ready: any }

/** A serving peer (libp2p-peer.ts or tcp-peer.ts); it lives until its stdin ends or `stop()`. */
export async function serve (file: 'libp2p-peer.ts' | 'tcp-peer.ts', env: Record<string, string> = {}): Promise<Served> {
  const child = start([join(PEERS, file), 'serve'], { env })
  const ready = await child.nextJson(l => l?.event === 'ready', 30_000)
  return { child, ready }
}

/** Run a client mode to completion and return its result line. */
export async function client (file: 'libp2p-peer.ts' | 'tcp-peer.ts', mode: string, args: Record<string, string | number>, options: { env?: Record<string, string>, timeoutMs: number, nodeArgs?: string[] }): Promise<any> {
  const argv = [join(PEERS, file), mode, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]), '--timeoutMs', String(options.timeoutMs)]
  const child = start(argv, { env: options.env ?? {}, nodeArgs: options.nodeArgs })
  try {
    return await child.nextJson(l => l?.event === 'result', options.timeoutMs + 10_000)
  } finally {
    await child.stop()
  }
}

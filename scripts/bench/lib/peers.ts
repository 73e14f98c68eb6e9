// Starting the bench's peer processes (peers/*.ts) and running their client modes.
import { join } from 'node:path'
import { start, PEERS, type Child } from './process.ts'

export interface Served { child: Child, ready: any }

/** The bench's peer programs in scripts/bench/peers/. */
export type PeerFile = 'libp2p-peer.ts' | 'tcp-peer.ts' | 'a2a-peer.ts' | 'swarm-peer.ts'

/** A serving peer; it lives until its stdin ends or `stop()`. */
export async function serve (file: PeerFile, env: Record<string, string> = {}, mode = 'serve', args: Record<string, string | number> = {}, readyTimeoutMs = 30_000): Promise<Served> {
  const child = start([join(PEERS, file), mode, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])], { env })
  const ready = await child.nextJson(l => l?.event === 'ready', readyTimeoutMs)
  return { child, ready }
}

/** Run a client mode to completion and return its result line. */
export async function client (file: PeerFile, mode: string, args: Record<string, string | number>, options: { env?: Record<string, string>, timeoutMs: number, nodeArgs?: string[] }): Promise<any> {
  const argv = [join(PEERS, file), mode, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]), '--timeoutMs', String(options.timeoutMs)]
  const child = start(argv, { env: options.env ?? {}, nodeArgs: options.nodeArgs })
  try {
    return await child.nextJson(l => l?.event === 'result', options.timeoutMs + 10_000)
  } finally {
    await child.stop()
  }
}

// The two A2A servers every A2A figure measures side by side: the example agent behind an agentwire
// node, and the same agent over plain HTTP JSON-RPC (the SDK's Express adapter), each in its own process.
import { serve, type Served } from './peers.ts'

export interface A2AServers { p2p: Served, http: Served, stop: () => Promise<void> }

export async function startA2AServers (options: { stockGuard?: boolean } = {}): Promise<A2AServers> {
  const started: Served[] = []
  const stop = async (): Promise<void> => { await Promise.all(started.map(async s => { s.child.process.stdin!.end(); await s.child.stop() })) }
  try {
    const p2p = await serve('a2a-peer.ts', {}, 'serve-p2p', options.stockGuard === true ? { stockGuard: 1 } : {}); started.push(p2p)
    const http = await serve('a2a-peer.ts', {}, 'serve-http'); started.push(http)
    return { p2p, http, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

// Dial + Noise + yamux until the first negotiated stream, between two agentwire nodes in separate
// processes, next to a raw TCP connect between two processes (median of fresh connections).
import type { Figure } from '../lib/figure.ts'
import { serve, client, type Served } from '../lib/peers.ts'
import { median, quantile, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'connect-latency',
  unit: 'ms',
  baseline: 'raw TCP connect, two processes',
  goal: null,
  run: async (ctx) => {
    // libp2p's connection manager refuses more than 5 inbound connections per second from one host
    // (inboundConnectionThreshold), so the client paces its dials; the pause is never timed.
    const count = ctx.quick ? 12 : 40
    const servers: Served[] = []
    try {
      const tcp = await serve('tcp-peer.ts'); servers.push(tcp)
      const p2p = await serve('libp2p-peer.ts'); servers.push(p2p)
      const tcpResult = await client('tcp-peer.ts', 'connect', { port: tcp.ready.port, count: count * 5 }, { timeoutMs: 30_000 })
      const p2pResult = await client('libp2p-peer.ts', 'connect', { addr: p2p.ready.addr, count, paceMs: 250 }, { timeoutMs: 60_000 })
      // Drop the first of each: it pays for lazy module loading and JIT warm-up.
      const tcpMs: number[] = tcpResult.ms.slice(1)
      const p2pMs: number[] = p2pResult.ms.slice(1)
      ctx.log(`libp2p p50 ${round(median(p2pMs))} ms, tcp p50 ${round(median(tcpMs))} ms`)
      return {
        value: median(p2pMs),
        baselineValue: median(tcpMs),
        details: { p90: round(quantile(p2pMs, 0.9)), baselineP90: round(quantile(tcpMs, 0.9)), connections: p2pMs.length, firstConnectMs: round(p2pResult.ms[0]) }
      }
    } finally {
      await Promise.all(servers.map(async s => { s.child.process.stdin!.end(); await s.child.stop() }))
    }
  }
}

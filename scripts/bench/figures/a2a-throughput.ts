// A2A calls per second with several calls in flight, through agentwire (one caller node, one callee
// node, separate processes) and over plain HTTP with the SDK's client; rounds interleave the paths.
import type { Figure } from '../lib/figure.ts'
import { client } from '../lib/peers.ts'
import { startA2AServers } from '../lib/a2a.ts'
import { median, round } from '../lib/stats.ts'

/** Calls in flight: the callee's default `a2a.maxCallsPerPeer`, so one caller never exceeds it. */
const CONCURRENCY = 8

export const figure: Figure = {
  name: 'a2a-throughput',
  unit: 'calls/s',
  baseline: 'the same over HTTP with @a2a-js/sdk',
  goal: '≥ 1.5× HTTP',
  met: r => r.baselineValue != null && r.value / r.baselineValue >= 1.5,
  run: async (ctx) => {
    const rounds = ctx.quick ? 3 : 6
    const windowMs = ctx.quick ? 1_500 : 3_000
    const servers = await startA2AServers()
    try {
      const r = await client('a2a-peer.ts', 'throughput', { addr: servers.p2p.ready.addr, url: servers.http.ready.url, concurrency: CONCURRENCY, windowMs, rounds }, { timeoutMs: 90_000 })
      const { p2p, http } = r.perSecond as Record<string, number[]>
      ctx.log(`agentwire ${p2p.map(v => round(v)).join(', ')} calls/s; HTTP ${http.map(v => round(v)).join(', ')} calls/s`)
      return {
        value: median(p2p),
        baselineValue: median(http),
        details: {
          concurrency: CONCURRENCY,
          rounds: p2p.length,
          windowMs,
          stockGuardCap: 'one peer may open 20 streams/s (burst 40) by default, so one caller is held to ~20 calls/s; lifted here via node.trust.guard.configure()'
        }
      }
    } finally {
      await servers.stop()
    }
  }
}

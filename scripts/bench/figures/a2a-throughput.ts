// A2A calls per second with several calls in flight, through agentwire (one caller node, one callee
// node, separate processes) and over plain HTTP with the SDK's client; rounds interleave the paths.
import type { Figure } from '../lib/figure.ts'
import { client } from '../lib/peers.ts'
import { startA2AServers } from '../lib/a2a.ts'
import { median, round } from '../lib/stats.ts'

/** Calls in flight: the callee's default `a2a.maxCallsPerPeer`; the figure's value. */
const CONCURRENCY = 8

/** Also measured (details): many calls in flight on one session (the bench's callee allows 256 per peer). */
const HIGH_CONCURRENCY = 64

export const figure: Figure = {
  name: 'a2a-throughput',
  unit: 'calls/s',
  baseline: 'the same over HTTP with @a2a-js/sdk',
  goal: '≥ 1.5× HTTP',
  met: r => r.baselineValue != null && r.value / r.baselineValue >= 1.5,
  budgetMs: { quick: 150_000, full: 300_000 },
  run: async (ctx) => {
    const rounds = ctx.quick ? 3 : 6
    const windowMs = ctx.quick ? 1_500 : 3_000
    const servers = await startA2AServers()
    try {
      const measure = async (concurrency: number): Promise<Record<string, number[]>> => {
        const r = await client('a2a-peer.ts', 'throughput', { addr: servers.p2p.ready.addr, url: servers.http.ready.url, concurrency, windowMs, rounds }, { timeoutMs: 90_000 })
        const perSecond = r.perSecond as Record<string, number[]>
        ctx.log(`${concurrency} in flight: agentwire ${perSecond.p2p.map(v => round(v)).join(', ')} calls/s; one stream per call ${perSecond.p2pStream.map(v => round(v)).join(', ')}; HTTP ${perSecond.http.map(v => round(v)).join(', ')} calls/s`)
        return perSecond
      }
      const { p2p, p2pStream, http } = await measure(CONCURRENCY)
      const high = await measure(HIGH_CONCURRENCY)
      return {
        value: median(p2p),
        baselineValue: median(http),
        details: {
          concurrency: CONCURRENCY,
          // The path before sessions (a caller with a2a.sessions: false), measured in the same run.
          streamPerCall: round(median(p2pStream)),
          streamPerCallRatio: round(median(p2pStream) / median(http)),
          [`at${HIGH_CONCURRENCY}`]: { session: round(median(high.p2p)), streamPerCall: round(median(high.p2pStream)), http: round(median(high.http)), ratio: round(median(high.p2p) / median(high.http)) },
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

// p50 (and p99) of SendMessage to the example agent ("ping" → a direct "pong", no task, so the
// transport is what is measured): through agentwire (caller node in one process, callee node in
// another; the A2A session), next to the same agent over plain HTTP JSON-RPC called with the SDK's
// client, and one stream per call (a caller with a2a.sessions: false) as the before-sessions path.
// All paths are called from one process, interleaved call by call.
import type { Figure } from '../lib/figure.ts'
import { client } from '../lib/peers.ts'
import { startA2AServers } from '../lib/a2a.ts'
import { median, quantile, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'a2a-latency',
  unit: 'ms',
  baseline: 'the same agent over plain HTTP JSON-RPC with @a2a-js/sdk',
  goal: '≤ 0.75× HTTP (aim 0.5×)',
  met: r => r.baselineValue != null && r.value / r.baselineValue <= 0.75,
  run: async (ctx) => {
    const count = ctx.quick ? 150 : 600
    const servers = await startA2AServers()
    try {
      const r = await client('a2a-peer.ts', 'latency', { addr: servers.p2p.ready.addr, url: servers.http.ready.url, count }, { timeoutMs: 90_000 })
      const { p2p, p2pStream, http, sdkP2p } = r.ms as Record<string, number[]>
      ctx.log(`agentwire p50 ${round(median(p2p))} ms p99 ${round(quantile(p2p, 0.99))} ms; one stream per call p50 ${round(median(p2pStream))} ms p99 ${round(quantile(p2pStream, 0.99))} ms; HTTP p50 ${round(median(http))} ms p99 ${round(quantile(http, 0.99))} ms`)
      return {
        value: median(p2p),
        baselineValue: median(http),
        details: {
          p99: round(quantile(p2p, 0.99)),
          baselineP99: round(quantile(http, 0.99)),
          p99Ratio: round(quantile(p2p, 0.99) / quantile(http, 0.99)),
          sdkClientOverAgentwireP50: round(median(sdkP2p)),
          // The path before sessions (a caller with a2a.sessions: false), measured in the same run.
          streamPerCallP50: round(median(p2pStream)),
          streamPerCallP99: round(quantile(p2pStream, 0.99)),
          streamPerCallRatio: round(median(p2pStream) / median(http)),
          calls: p2p.length,
          api: 'node.a2a.send(peerId, "ping") vs SDK ClientFactory.createFromUrl(http).sendMessage',
          guard: 'per-peer stream rate lifted via node.trust.guard.configure() (stock: 20/s, burst 40)'
        }
      }
    } finally {
      await servers.stop()
    }
  }
}

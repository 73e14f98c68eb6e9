// MB/s over one libp2p stream between two agentwire nodes in separate processes, next to a raw TCP
// socket between two processes. Both move the same bytes with the same framing (peers/protocols.ts).
import type { Figure } from '../lib/figure.ts'
import { serve, client, type Served } from '../lib/peers.ts'
import { median, round } from '../lib/stats.ts'
import { PROPOSED_YAMUX, PROPOSED_ENV } from '../proposals.ts'

const MiB = 1024 * 1024

type Variant = 'tcp' | 'stock' | 'proposed'

export const figure: Figure = {
  name: 'stream-throughput',
  unit: 'MB/s',
  baseline: 'raw TCP socket, two processes',
  goal: '≥ 0.40× raw TCP',
  met: r => r.baselineValue != null && r.value / r.baselineValue >= 0.40,
  run: async (ctx) => {
    const bytes = (ctx.quick ? 32 : 128) * MiB
    const rounds = ctx.quick ? 2 : 4
    const runsPerClient = 3
    const proposedEnv = PROPOSED_ENV
    const servers: Partial<Record<Variant, Served>> = {}
    const samples: Record<Variant, number[]> = { tcp: [], stock: [], proposed: [] }
    try {
      servers.tcp = await serve('tcp-peer.ts')
      servers.stock = await serve('libp2p-peer.ts')
      servers.proposed = await serve('libp2p-peer.ts', proposedEnv)
      // Interleaved rounds so drift on a shared machine hits every variant alike.
      for (let r = 0; r < rounds && !ctx.signal.aborted; r++) {
        for (const variant of ['tcp', 'stock', 'proposed'] as const) {
          const result = variant === 'tcp'
            ? await client('tcp-peer.ts', 'throughput', { port: servers.tcp.ready.port, bytes, runs: runsPerClient }, { timeoutMs: 60_000 })
            : await client('libp2p-peer.ts', 'throughput', { addr: servers[variant]!.ready.addr, bytes, runs: runsPerClient }, { timeoutMs: 60_000, env: variant === 'proposed' ? proposedEnv : {} })
          // The first transfer of each process warms the JIT and grows windows; keep the rest.
          samples[variant].push(...result.ms.slice(1).map((ms: number) => bytes / 1e6 / (ms / 1000)))
          ctx.log(`${variant}: ${result.ms.slice(1).map((ms: number) => round(bytes / 1e6 / (ms / 1000))).join(', ')} MB/s`)
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map(async s => { s.child.process.stdin!.end(); await s.child.stop() }))
    }
    const tcp = median(samples.tcp)
    const stock = median(samples.stock)
    const proposed = median(samples.proposed)
    return {
      value: stock,
      baselineValue: tcp,
      details: {
        payloadMiB: bytes / MiB,
        transfers: samples.stock.length,
        proposed: { yamux: PROPOSED_YAMUX, noiseCrypto: 'scripts/bench/peers/noise-crypto.ts' },
        proposedValue: round(proposed),
        proposedRatio: round(proposed / tcp)
      }
    }
  }
}

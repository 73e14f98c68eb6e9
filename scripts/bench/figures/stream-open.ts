// p50 of opening a new libp2p stream on a connection that is already up and echoing one byte on it
// (protocol negotiation, the peer-store update libp2p does per stream, handler start), between two
// agentwire nodes in separate processes; beside the same 1-byte echo on a stream already open, so
// the ratio is what stream setup costs over the round trip itself.
import { join } from 'node:path'
import type { Figure } from '../lib/figure.ts'
import { start, PEERS } from '../lib/process.ts'
import { median, quantile, round } from '../lib/stats.ts'

const PEER = join(PEERS, 'stream-open-peer.ts')

export const figure: Figure = {
  name: 'stream-open',
  unit: 'ms',
  baseline: '1-byte echo on a stream already open',
  goal: '≤ 0.4 ms p50',
  met: r => r.value <= 0.4,
  run: async (ctx) => {
    const count = ctx.quick ? 300 : 2000
    const server = start([PEER, 'serve'])
    try {
      const ready = await server.nextJson(l => l?.event === 'ready', 30_000)
      const client = start([PEER, 'open', '--addr', ready.addr, '--count', String(count), '--timeoutMs', '60000'])
      try {
        const r = await client.nextJson(l => l?.event === 'result', 70_000)
        const opened = r.opened as number[]
        const echoed = r.echoed as number[]
        ctx.log(`new stream + echo p50 ${round(median(opened))} ms p99 ${round(quantile(opened, 0.99))} ms; echo on an open stream p50 ${round(median(echoed))} ms`)
        return {
          value: median(opened),
          baselineValue: median(echoed),
          details: { p99: round(quantile(opened, 0.99)), baselineP99: round(quantile(echoed, 0.99)), streams: opened.length }
        }
      } finally {
        await client.stop()
      }
    } finally {
      server.process.stdin!.end()
      await server.stop()
    }
  }
}

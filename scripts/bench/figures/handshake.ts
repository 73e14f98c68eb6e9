// Trust handshake end to end with no human wait: a new caller asks a node (default `mutual` policy)
// for trust, that node's operator tool approves as soon as the request is pending, the approval
// travels back, and the caller's first A2A call is answered. Caller and callee are separate
// processes; each round is a fresh caller identity, connected before the clock starts.
import type { Figure } from '../lib/figure.ts'
import { serve, client } from '../lib/peers.ts'
import { median, quantile, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'handshake',
  unit: 'ms',
  baseline: null,
  goal: 'none set',
  run: async (ctx) => {
    const rounds = ctx.quick ? 5 : 15
    const callee = await serve('a2a-peer.ts', {}, 'serve-trust')
    try {
      const r = await client('a2a-peer.ts', 'handshake', { addr: callee.ready.addr, rounds }, { timeoutMs: 90_000 })
      const samples = r.rounds as Array<Record<string, number>>
      const p50 = (k: string): number => round(median(samples.map(s => s[k])))
      ctx.log(`total ${samples.map(s => round(s.totalMs)).join(', ')} ms`)
      return {
        value: median(samples.map(s => s.totalMs)),
        baselineValue: null,
        details: {
          p95: round(quantile(samples.map(s => s.totalMs), 0.95)),
          requestP50: p50('requestMs'),
          approvalArrivesP50: p50('approvedMs'),
          firstCallP50: p50('firstCallMs'),
          rounds: samples.length
        }
      }
    } finally {
      callee.child.process.stdin!.end()
      await callee.child.stop()
    }
  }
}

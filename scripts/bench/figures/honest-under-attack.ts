// Honest A2A call latency while another authenticated peer floods the same node with calls as fast
// as it can (and reconnects each time it is cut off), next to the same calls with the node idle.
// The ratio is the cost of an attack to honest peers; the guard (src/guard/) is what keeps it small.
// All three nodes run in this process, so the flood also competes for this process's CPU: the
// figure is an upper bound on what a remote flooder costs.
import { mkdtemp, rm } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { join } from 'node:path'
import type { Figure } from '../lib/figure.ts'
import { median, quantile, round, nowMs } from '../lib/stats.ts'
import { createAgentNode, type AgentNode } from '../../../src/agent-node.ts'

/** Honest calls start at most this often, in ms: an honest peer stays under the per-peer rate (src/guard/constants.ts). */
const HONEST_PACE_MS = 50
/** Flooding loops the attacker runs at once. */
const FLOOD_WORKERS = 32

async function honestLatencies (victim: AgentNode, honest: AgentNode, count: number, signal: AbortSignal): Promise<number[]> {
  const ms: number[] = []
  for (let i = 0; i < count && !signal.aborted; i++) {
    const t0 = nowMs()
    await honest.a2a.send(victim.addresses()[0], `honest question ${i}. how long?`)
    ms.push(nowMs() - t0)
    const rest = HONEST_PACE_MS - (nowMs() - t0)
    if (rest > 0) await new Promise(resolve => setTimeout(resolve, rest)) // pacing, never timed
  }
  return ms
}

export const figure: Figure = {
  name: 'honest-under-attack',
  unit: 'ms',
  baseline: 'the same honest A2A call, node idle',
  goal: 'honest calls stay served under a call flood (ratio, lower is better)',
  run: async (ctx) => {
    const dir = await mkdtemp('/tmp/awbench-')
    const nodes: AgentNode[] = []
    const make = async (name: string, extra: Record<string, unknown> = {}): Promise<AgentNode> => {
      const node = await createAgentNode({ dataDir: join(dir, name), listen: ['/ip4/127.0.0.1/tcp/0'], limits: { inboundConnectionsPerHostPerSecond: 1000 }, ...extra })
      nodes.push(node)
      await node.start()
      return node
    }
    const stop = new AbortController()
    try {
      const victim = await make('victim', { trust: { policy: 'open' }, a2a: { exampleAgent: true } })
      const honest = await make('honest')
      const attacker = await make('attacker')
      // A persistent attacker: let it back in at once after each disconnection, so the flood never stops.
      victim.trust.guard.configure({ banMs: 1 })
      const count = ctx.quick ? 40 : 200
      await honestLatencies(victim, honest, 5, ctx.signal) // warm-up, not timed
      const idle = await honestLatencies(victim, honest, count, ctx.signal)
      let sent = 0
      let refused = 0
      const flood = Promise.all(Array.from({ length: FLOOD_WORKERS }, async () => {
        while (!stop.signal.aborted && !ctx.signal.aborted) {
          sent++
          try { await attacker.a2a.send(victim.addresses()[0], 'flood', { signal: AbortSignal.timeout(5_000) }) } catch { refused++ }
          // A refusal can come back without any I/O (a dial refused locally); without this turn the
          // in-process attacker would starve the event loop, which a remote attacker cannot do.
          await nextTurn()
        }
      }))
      const attacked = await honestLatencies(victim, honest, count, ctx.signal)
      stop.abort()
      await flood
      const guard = victim.trust.guard.stats()
      ctx.log(`idle p50 ${round(median(idle))} ms, under attack p50 ${round(median(attacked))} ms; attacker sent ${sent}, refused ${refused}, disconnected ${guard.disconnects} times`)
      return {
        value: median(attacked),
        baselineValue: median(idle),
        details: { p90: round(quantile(attacked, 0.9)), baselineP90: round(quantile(idle, 0.9)), honestCalls: attacked.length, attackerCalls: sent, attackerRefused: refused, attackerDisconnects: guard.disconnects }
      }
    } finally {
      stop.abort()
      await Promise.allSettled(nodes.map(n => n.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  }
}

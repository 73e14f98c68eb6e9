// What an idle node costs: CPU ms per minute and RSS per node, for one node alone in its process and
// for 50 nodes in one process that have formed a network (quick: 10). Measured over a window after
// the network settled (names published, tables full), so it is the steady state: GossipSub
// heartbeat, keep-alive pings, DHT refresh and republish, AutoNAT. The machine's CPU use is printed
// beside it; on a saturated box idle work is delayed, not removed, so the number still holds.
import { join } from 'node:path'
import type { Figure } from '../lib/figure.ts'
import { start, PEERS, type Child } from '../lib/process.ts'
import { command, watchMachineCpu } from '../lib/swarm.ts'
import { round } from '../lib/stats.ts'

const MB = 1e6

/** Wait for the host's nodes to have DHT peers and their names stored, at most this long, in ms. */
const SETTLE_MAX_MS = 180_000

async function measureHost (count: number, windowMs: number, log: (m: string) => void): Promise<Record<string, number | boolean | null>> {
  const child: Child = start([join(PEERS, 'swarm-peer.ts'), 'host', '--count', String(count), '--first', '0', '--timeoutMs', String(SETTLE_MAX_MS + windowMs + 120_000)])
  try {
    await child.nextJson(l => l?.event === 'ready', 60_000 + count * 3_000)
    // Settled: a lone node has nothing to settle; a network has full tables and published names.
    const until = performance.now() + SETTLE_MAX_MS
    let settled = count === 1
    while (!settled && performance.now() < until) {
      const s = await command(child, { cmd: 'status' })
      settled = Math.min(...s.routingTable) >= Math.min(15, count - 1) && (s.published as number[]).every(p => p > 0)
      if (!settled) await new Promise(resolve => setTimeout(resolve, 1_000))
    }
    // Let the early republishes and warm-up of a fresh network pass, then watch.
    await new Promise(resolve => setTimeout(resolve, count === 1 ? 5_000 : 30_000))
    const machine = watchMachineCpu()
    const a = await command(child, { cmd: 'cpu' })
    await new Promise(resolve => setTimeout(resolve, windowMs))
    const b = await command(child, { cmd: 'cpu' })
    const m = machine()
    const cpuMsPerMinPerNode = (b.cpuUs - a.cpuUs) / 1000 / count * (60_000 / windowMs)
    // What the node spends it on, counted: keep-alive pings it sent, per connection it holds.
    const perMinPerNode = (n: number): number => round(n / count * (60_000 / windowMs))
    const result = {
      nodes: count,
      settled,
      cpuMsPerMinPerNode: round(cpuMsPerMinPerNode),
      rssMBPerNode: round(b.rss / MB / count),
      rssMB: round(b.rss / MB),
      connectionsPerNode: round(b.connections / count),
      pingsSentPerMinPerNode: b.pings != null ? perMinPerNode(b.pings.sent - a.pings.sent) : null,
      pingsSkippedPerMinPerNode: b.pings != null ? perMinPerNode(b.pings.skipped - a.pings.skipped) : null,
      machineBusyPct: m.busyPct ?? -1,
      load1: m.load1,
      saturated: m.saturated
    }
    log(`${count} node(s) in one process: ${JSON.stringify(result)}`)
    return result
  } finally {
    child.process.stdin!.end()
    await child.stop(10_000)
  }
}

export const figure: Figure = {
  name: 'idle-cost',
  unit: 'ms CPU/min/node',
  baseline: 'one node alone in its process',
  goal: 'an idle node costs close to nothing',
  budgetMs: { quick: 240_000, full: 600_000 },
  run: async (ctx) => {
    const windowMs = ctx.quick ? 20_000 : 60_000
    const many = ctx.quick ? 10 : 50
    const alone = await measureHost(1, windowMs, ctx.log)
    const crowd = await measureHost(many, windowMs, ctx.log)
    return {
      value: crowd.cpuMsPerMinPerNode as number,
      baselineValue: alone.cpuMsPerMinPerNode as number,
      details: { windowMs, alone, [`nodes${many}`]: crowd }
    }
  }
}

// Lookups while the network changes under them: 50 nodes (quick: 20) in host processes of 5; while
// the prober resolves names and PeerIds of nodes that stay, one host is SIGKILLed (10 % of the
// network vanishes mid-conversation, sockets reset) and a fresh host of 5 joins. Success rate for
// live targets during the churn, then for the newcomers and survivors once it settled. The machine's
// CPU use is printed beside it. Records of the dead expire with their TTL (NAME_RECORD_TTL_MS, 1 h);
// not waited for here.
import type { Figure } from '../lib/figure.ts'
import { Swarm, command, stopSwarm, watchMachineCpu, type SwarmNode } from '../lib/swarm.ts'
import { median, quantile, round } from '../lib/stats.ts'

/** Nodes per host process: one host is what dies, so this is the churn step. */
const PER_HOST = 5
/** Live targets looked up during the churn (names and PeerIds each). */
const TARGETS = 20

function rates (r: any, targets: SwarmNode[]): Record<string, unknown> {
  const nameMs = r.nameMs as number[]
  const findMs = r.findMs as number[]
  return {
    lookups: targets.length,
    nameSuccessPct: round(100 * nameMs.length / targets.length),
    peerIdSuccessPct: round(100 * findMs.length / targets.length),
    nameP50: nameMs.length > 0 ? round(median(nameMs)) : null,
    nameP95: nameMs.length > 0 ? round(quantile(nameMs, 0.95)) : null,
    peerIdP50: findMs.length > 0 ? round(median(findMs)) : null,
    failed: (r.failures as string[]).slice(0, 5)
  }
}

export const figure: Figure = {
  name: 'churn',
  unit: '% lookups ok',
  baseline: null,
  goal: '100 % of lookups for live nodes while 10 % are killed and others join',
  met: r => r.value === 100,
  budgetMs: { quick: 240_000, full: 600_000 },
  run: async (ctx) => {
    // The shared network of the other DHT figures would compete for the CPU: stop it first.
    await stopSwarm()
    const size = ctx.quick ? 20 : 50
    const swarm = new Swarm({ perHost: PER_HOST })
    try {
      const settle = await swarm.resize(size, ctx.log)
      const hub = swarm.hosts[0].nodes[0].addr
      // Victims: the second host (never the first, it holds the hub). Targets: nodes that stay.
      const victims = new Set(swarm.hosts[1].nodes.map(n => n.peerId))
      const live = swarm.nodes.filter(n => !victims.has(n.peerId))
      const targets = live.filter((_, i) => i % Math.max(1, Math.floor(live.length / TARGETS)) === 0).slice(0, TARGETS)
      const cpu = watchMachineCpu()
      const during = command(swarm.prober.child, { cmd: 'resolve', names: targets.map(t => t.name), peerIds: targets.map(t => t.peerId) }, 30_000 + targets.length * 3 * 6_000)
      await new Promise(resolve => setTimeout(resolve, 500))
      const killed = swarm.kill(1)
      ctx.log(`SIGKILLed ${killed.length} nodes; ${PER_HOST} join`)
      const joining = swarm.addHosts(PER_HOST, hub)
      const r1 = await during
      await joining
      const churnCpu = cpu()
      const duringChurn = { ...rates(r1, targets), machine: churnCpu }
      ctx.log(`during churn: ${JSON.stringify(duringChurn)}`)

      // After: the newcomers (found by name and PeerId once they published) and a few survivors.
      const newcomers = swarm.hosts[swarm.hosts.length - 1].nodes
      const until = performance.now() + 120_000
      while (performance.now() < until) {
        const s = await command(swarm.hosts[swarm.hosts.length - 1].child, { cmd: 'status' })
        if ((s.published as number[]).every(p => p > 0)) break
        await new Promise(resolve => setTimeout(resolve, 1_000))
      }
      const after = [...newcomers, ...targets.slice(0, 5)]
      const cpu2 = watchMachineCpu()
      const r2 = await command(swarm.prober.child, { cmd: 'resolve', names: after.map(t => t.name), peerIds: after.map(t => t.peerId) }, 30_000 + after.length * 3 * 6_000)
      const afterChurn = { ...rates(r2, after), machine: cpu2() }
      ctx.log(`after churn: ${JSON.stringify(afterChurn)}`)
      const ok = (r1.nameMs.length + r1.findMs.length) / (2 * targets.length)
      return {
        value: round(100 * ok),
        baselineValue: null,
        details: { nodes: size, killed: killed.length, joined: PER_HOST, settle, duringChurn, afterChurn }
      }
    } finally {
      await swarm.stop()
    }
  }
}

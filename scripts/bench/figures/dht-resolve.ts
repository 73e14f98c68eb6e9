// Name resolution and PeerId lookup through the DHT at 25/50/100 nodes on 127.0.0.1 (quick: 10/25):
// success rate, p50/p95 and hops, and the machine's CPU use while it ran (a saturated run says so). The resolving node is alone in its process; the others share a few host
// processes, so their answers pay for co-location as a real small fleet on one machine would.
// Headline: name resolution p50 at the largest size.
import type { Figure } from '../lib/figure.ts'
import { swarmOfSize, command, watchMachineCpu } from '../lib/swarm.ts'
import { median, quantile, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'dht-resolve',
  unit: 'ms',
  baseline: null,
  goal: 'p50 < 20 ms at 100 nodes on loopback',
  met: r => (r.details as any)?.largest === 100 && r.value < 20,
  budgetMs: { quick: 90_000, full: 600_000 },
  run: async (ctx) => {
    // Quick: 10 and 25, because growing to 50 takes a minute or more on a busy 2-core machine.
    const sizes = ctx.quick ? [10, 25] : [25, 50, 100]
    const lookups = ctx.quick ? 15 : 20
    const bySize: Record<string, unknown> = {}
    let headline = NaN
    for (const size of sizes) {
      if (ctx.signal.aborted) break
      const cpu = watchMachineCpu()
      const { swarm, settle } = await swarmOfSize(size, ctx.log)
      const formingCpu = cpu()
      const lookupCpu = watchMachineCpu()
      // Targets spread over the whole network, never the prober itself.
      const targets = swarm.nodes.filter((_, i) => i % Math.max(1, Math.floor(swarm.nodes.length / lookups)) === 0).slice(0, lookups)
      const r = await command(swarm.prober.child, { cmd: 'resolve', names: targets.map(t => t.name), peerIds: targets.map(t => t.peerId) }, 10_000 + targets.length * 3 * 6_000)
      const nameMs = r.nameMs as number[]
      const findMs = r.findMs as number[]
      const machine = { forming: formingCpu, lookups: lookupCpu() }
      if (nameMs.length === 0) {
        throw Object.assign(new Error(`no name resolved at ${size} nodes: ${(r.failures as string[]).slice(0, 3).join('; ')}`),
          { details: { ...bySize, [size]: { failures: r.failures.length, lookups: targets.length, settle, machine } } })
      }
      bySize[size] = {
        nameSuccessPct: round(100 * nameMs.length / targets.length),
        peerIdSuccessPct: round(100 * findMs.length / targets.length),
        nameP50: round(median(nameMs)),
        nameP95: round(quantile(nameMs, 0.95)),
        nameHopsP50: median(r.nameHops),
        peerIdP50: findMs.length > 0 ? round(median(findMs)) : null,
        peerIdP95: findMs.length > 0 ? round(quantile(findMs, 0.95)) : null,
        peerIdHopsP50: findMs.length > 0 ? median(r.findHops) : null,
        proposedFirstValidP50: (r.earlyMs as number[]).length > 0 ? round(median(r.earlyMs)) : null,
        proposedFirstValidP95: (r.earlyMs as number[]).length > 0 ? round(quantile(r.earlyMs, 0.95)) : null,
        proposedHopsP50: (r.earlyMs as number[]).length > 0 ? median(r.earlyHops) : null,
        lookups: targets.length,
        failures: (r.failures as string[]).length,
        failed: (r.failures as string[]).slice(0, 5),
        settle,
        machine
      }
      ctx.log(`${size} nodes: ${JSON.stringify(bySize[size])}`)
      headline = median(nameMs)
    }
    return {
      value: headline,
      baselineValue: null,
      details: { largest: sizes[sizes.length - 1], hops: 'DHT peers that answered during the lookup', machine: 'busyPct: all cores, every process; saturated = the figure measures the load', ...bySize }
    }
  }
}

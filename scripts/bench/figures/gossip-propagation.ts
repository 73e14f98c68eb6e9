// How long a signed trust report takes to reach the network: the prober node rates a peer (the
// reputation service signs and publishes a report on `agentwire/trust/1`), and every node records
// when it has validated and stored it. p99 over reports of the time until 95% and 100% of the other
// nodes hold it, at 100 and 50 nodes (quick: 25). Clocks: wall time on one host, sub-ms apart.
import type { Figure } from '../lib/figure.ts'
import { swarmOfSize, command, watchMachineCpu, type Swarm } from '../lib/swarm.ts'
import { quantile, median, round } from '../lib/stats.ts'

/** Longest a report is waited for before the nodes still without it count as missed, in ms. */
const WAIT_MS = 3_000

async function measure (swarm: Swarm, reports: number, log: (m: string) => void): Promise<Record<string, unknown>> {
  const to95: number[] = []
  const to100: number[] = []
  let missed = 0
  const subjects = swarm.nodes.slice(1)
  // One untimed report first: the mesh of a freshly grown network is still forming.
  for (let r = 0; r <= reports && r < subjects.length; r++) {
    const { t0, key } = await command(swarm.prober.child, { cmd: 'publish', subject: subjects[r].peerId })
    const deadline = performance.now() + WAIT_MS
    let times: Array<number | null> = []
    while (performance.now() < deadline) {
      times = (await Promise.all(swarm.hosts.map(async h => (await command(h.child, { cmd: 'times', key })).times as Array<number | null>))).flat()
      if (times.every(t => t != null)) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    if (r === 0) continue
    const got = times.filter((t): t is number => t != null).map(t => t - t0).sort((a, b) => a - b)
    missed += times.length - got.length
    to95.push(got.length >= Math.ceil(0.95 * times.length) ? got[Math.ceil(0.95 * times.length) - 1] : Infinity)
    to100.push(got.length === times.length ? got[got.length - 1] : Infinity)
  }
  const fmt = (v: number): number | string => Number.isFinite(v) ? round(v) : `>${WAIT_MS}`
  const result = { reports: to100.length, p50To95: fmt(median(to95)), p99To95: fmt(quantile(to95, 0.99)), p50To100: fmt(median(to100)), p99To100: fmt(quantile(to100, 0.99)), missedDeliveries: missed }
  log(`${swarm.size} nodes: ${JSON.stringify(result)}`)
  // quantile() of a sample holding Infinity is NaN; any report short of 100% makes the p99 infinite.
  return { ...result, p99To100Ms: to100.some(v => !Number.isFinite(v)) ? Infinity : quantile(to100, 0.99) }
}

export const figure: Figure = {
  name: 'gossip-propagation',
  unit: 'ms',
  baseline: null,
  goal: '100% of 100 nodes within 250 ms p99',
  met: r => (r.details as any)?.largest === 100 && r.value <= 250,
  budgetMs: { quick: 90_000, full: 480_000 },
  run: async (ctx) => {
    // Largest first: the network dht-resolve leaves behind is the largest, and shrinking is cheap.
    const sizes = ctx.quick ? [25] : [100, 50]
    const reports = ctx.quick ? 10 : 20
    const bySize: Record<string, unknown> = {}
    let gossip = ''
    for (const size of sizes) {
      if (ctx.signal.aborted) break
      const { swarm, settle } = await swarmOfSize(size, ctx.log)
      gossip = swarm.gossip
      const cpu = watchMachineCpu()
      const { p99To100Ms, ...result } = await measure(swarm, reports, ctx.log)
      // Busy cores delay every hop: a saturated run measures the machine, not the mesh.
      const machine = cpu()
      ctx.log(`${size} nodes: machine ${JSON.stringify(machine)}`)
      bySize[size] = { ...result, settle, machine }
      if (size === sizes[0]) bySize.headline = p99To100Ms
    }
    const headline = bySize.headline as number
    delete bySize.headline
    // A report that never reached every node has no time to 100%: say so instead of a number.
    if (!Number.isFinite(headline)) throw Object.assign(new Error(`at ${sizes[0]} nodes some reports never reached every node within ${WAIT_MS} ms`), { details: bySize })
    return {
      value: headline,
      baselineValue: null,
      details: {
        largest: sizes[0],
        what: 'p99 over reports of the time until 100% (and 95%) of the other nodes validated and stored a report',
        topic: gossip === 'reputation' ? 'agentwire/trust/1 via src/reputation (ReputationService.rate → signed report)' : 'bench-only topic with a signed report-sized message (src/reputation not loadable)',
        ...bySize
      }
    }
  }
}

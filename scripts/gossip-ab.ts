// Compare GossipSub settings on ONE network, interleaved, so load changes hit every variant alike:
// grow the bench swarm (scripts/bench/lib/swarm.ts) to --size nodes, then in each block switch
// every node to each variant in turn (swarm-peer's `gossip-set`) and time --reports reports with
// the gossip-propagation figure's own measurement. Prints per-variant p50/p99 to 100%, per-hop
// delays, hop counts and the machine's CPU use.
//   nice -n 10 node scripts/gossip-ab.ts --size 25 --blocks 4 --reports 5 \
//     --variants '{"stock":{"fastMsgId":false},"fastId":{"fastMsgId":true}}'
import { parseArgs } from 'node:util'
import { swarmOfSize, stopSwarm, command, watchMachineCpu } from './bench/lib/swarm.ts'
import { measure } from './bench/figures/gossip-propagation.ts'
import { quantile, round } from './bench/lib/stats.ts'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '25' },
    blocks: { type: 'string', default: '4' },
    reports: { type: 'string', default: '5' },
    /** Settle time after switching a variant (heartbeat-driven settings apply at the next heartbeats), in ms. */
    switchMs: { type: 'string', default: '3000' },
    variants: { type: 'string', default: '{"stock":{"fastMsgId":false},"fastId":{"fastMsgId":true}}' }
  }
})
const log = (m: string): void => { process.stderr.write(m + '\n') }
const variants = JSON.parse(values.variants) as Record<string, Record<string, unknown>>
const names = Object.keys(variants)
const reports = Number(values.reports)
const samples: Record<string, { to100: number[], hopMs: number[], depths: number[], publishMs: number[], busy: number[], missed: number, lag: number[] }> = {}
for (const n of names) samples[n] = { to100: [], hopMs: [], depths: [], publishMs: [], busy: [], missed: 0, lag: [] }

try {
  // Grown 25 at a time (the swarm grows a formed network so): 50 joining at once did not start under load.
  const size = Number(values.size)
  for (let s = Math.min(25, size); s < size; s = Math.min(size, s + 25)) log(JSON.stringify({ settle: (await swarmOfSize(s, log)).settle }))
  const { swarm, settle } = await swarmOfSize(size, log)
  log(JSON.stringify({ settle }))
  let subject = 0
  // One untimed report: the mesh of a freshly grown network is still forming.
  await measure(swarm, 1, () => {}, { firstSubject: subject })
  subject += 2
  for (let b = 0; b < Number(values.blocks); b++) {
    // Rotate which variant goes first, so neither always follows the other.
    const order = names.map((_, i) => names[(i + b) % names.length])
    for (const name of order) {
      const set = await Promise.all(swarm.children.map(async c => await command(c, { cmd: 'gossip-set', ...variants[name] })))
      await new Promise(resolve => setTimeout(resolve, Number(values.switchMs)))
      const cpu = watchMachineCpu()
      const m = await measure(swarm, reports, () => {}, { firstSubject: subject, warmUp: false }) as any
      subject += reports + 1
      const machine = cpu()
      const s = samples[name]
      s.to100.push(...m.samples.to100)
      s.hopMs.push(...m.samples.hopMs)
      s.depths.push(...m.samples.depths)
      s.publishMs.push(...m.samples.publishMs)
      s.busy.push(machine.busyPct ?? -1)
      s.missed += m.missedDeliveries as number
      s.lag.push(m.eventLoopDelayMs.p99Max as number)
      log(JSON.stringify({ block: b, variant: name, meshMin: Math.min(...set.flatMap(x => x.mesh as number[])), p99To100: m.p99To100, hopP99: m.hopMs.p99, hopsMax: m.hops.max, machine }))
    }
  }
  const q = (xs: number[], p: number): number | string => xs.length === 0 ? '-' : xs.some(x => !Number.isFinite(x)) && p >= 0.99 ? 'missed' : round(quantile(xs.filter(Number.isFinite), p))
  for (const name of names) {
    const s = samples[name]
    process.stdout.write(JSON.stringify({
      variant: name,
      settings: variants[name],
      reports: s.to100.length,
      to100: { p50: q(s.to100, 0.5), p90: q(s.to100, 0.9), p99: q(s.to100, 0.99), max: q(s.to100, 1) },
      missedDeliveries: s.missed,
      publishMsP50: q(s.publishMs, 0.5),
      hopMs: { p50: q(s.hopMs, 0.5), p90: q(s.hopMs, 0.9), p99: q(s.hopMs, 0.99), over500: s.hopMs.filter(h => h > 500).length, n: s.hopMs.length },
      hops: { p50: q(s.depths, 0.5), max: q(s.depths, 1), direct: s.depths.filter(d => d === 1).length },
      machineBusyPct: s.busy,
      eventLoopDelayP99Ms: s.lag.map(l => round(l))
    }) + '\n')
  }
} catch (err) {
  log(`gossip-ab failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
} finally {
  await stopSwarm().catch(() => {})
}

// What an idle node spends, and on what: start N agentwire nodes in this process (a hub and N-1
// bootstrapping from it, each with a name, the reputation service on), wait until the network has
// settled (full tables, names stored), then watch windows of idle time. Per window: CPU ms per minute
// per node, event-loop delay, outbound streams opened by protocol, GossipSub RPCs sent by kind and
// heartbeats run. --unitCosts then forces each periodic operation on every node and prints its CPU
// per operation, so counts per minute x cost per operation says where an idle minute goes even on a
// box too noisy for window-to-window differences. Each window prints its bounds on V8's profiler clock (`hrUs`): under --cpu-prof,
// `node scripts/cpu-profile-summary.ts FILE START END` attributes that window's CPU by package (an
// in-process inspector session was tried first: its own sampling cost more than the idle nodes).
//
//   nice -n 10 node [--cpu-prof --cpu-prof-dir DIR] scripts/idle-profile.ts --count 20 --windowMs 30000
//       [--windows 2] [--config '{"keepAlive":{"intervalMs":60000}}']
//       [--variants '{"oneSide":{},"both":{"keepAliveBothSides":true}}']
//
// --config is merged into every node's config (one JSON object). --variants switches settings at
// runtime, one variant per window in turn (A B A B …), so variants share one network and one load:
// keepAliveBothSides (boolean), heartbeatMs (GossipSub's heartbeat), resubscribe (false stops the
// reputation layer's periodic re-announcement of the trust topic).
import { mkdtemp, rm } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { Connection } from '@libp2p/interface'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'
import { kadTablePeers } from '../src/node/libp2p-internals.ts'
import { resubscribeEvery } from '../src/reputation/resubscribe.ts'
import { TRUST_TOPIC, RESUBSCRIBE_INTERVAL_MS } from '../src/reputation/constants.ts'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20' },
    windowMs: { type: 'string', default: '30000' },
    windows: { type: 'string', default: '1' },
    /** After the windows: the CPU of one of each periodic operation, forced on every node (see unitCosts). */
    unitCosts: { type: 'boolean', default: false },
    settleMaxMs: { type: 'string', default: '240000' },
    /** Quiet time after settling, before the first window (early republishes, warm-up), in ms. */
    warmMs: { type: 'string', default: '30000' },
    config: { type: 'string', default: '{}' },
    variants: { type: 'string', default: '{"as configured":{}}' }
  }
})
const count = Number(values.count)
const windowMs = Number(values.windowMs)
const extra = JSON.parse(values.config) as Record<string, unknown>
interface Variant { keepAliveBothSides?: boolean, heartbeatMs?: number, resubscribe?: boolean }
const variants = Object.entries(JSON.parse(values.variants) as Record<string, Variant>)
const defaults = { keepAliveBothSides: false, heartbeatMs: 1000, resubscribe: true }
let resubscribing = true

/** Apply a variant to every node, at runtime (what it leaves out goes back to the defaults). */
function apply (v: Variant): void {
  const want = { ...defaults, ...v }
  for (const n of nodes) {
    const keepAlive = n.libp2p.services.keepAlive as unknown as { init: { bothSides?: boolean } }
    keepAlive.init.bothSides = want.keepAliveBothSides
    const pubsub = n.libp2p.services.pubsub as unknown as { opts: { heartbeatInterval: number } }
    pubsub.opts.heartbeatInterval = want.heartbeatMs
    const rep = n.reputation as unknown as { stopResubscribe: () => void, c: { log: any } }
    if (want.resubscribe !== resubscribing) {
      rep.stopResubscribe()
      if (want.resubscribe) rep.stopResubscribe = resubscribeEvery(n.libp2p.services.pubsub, TRUST_TOPIC, RESUBSCRIBE_INTERVAL_MS, rep.c.log)
    }
  }
  resubscribing = want.resubscribe
}
const say = (o: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(o) + '\n') }
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

// ---- counters (installed before any node starts, on shared prototypes / per instance) -------------
const streams = new Map<string, number>()
const rpcs = { sent: 0, messages: 0, subscriptions: 0, ihave: 0, iwant: 0, graft: 0, prune: 0, idontwant: 0 }
let heartbeats = 0
let countersOn = false
const bump = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1) }

function instrument (node: AgentNode): void {
  const pubsub = node.libp2p.services.pubsub as any
  const sendRpc = pubsub.sendRpc.bind(pubsub)
  pubsub.sendRpc = (id: string, rpc: any) => {
    if (countersOn) {
      rpcs.sent++
      rpcs.messages += rpc.messages?.length ?? 0
      rpcs.subscriptions += rpc.subscriptions?.length ?? 0
      rpcs.ihave += rpc.control?.ihave?.length ?? 0
      rpcs.iwant += rpc.control?.iwant?.length ?? 0
      rpcs.graft += rpc.control?.graft?.length ?? 0
      rpcs.prune += rpc.control?.prune?.length ?? 0
      rpcs.idontwant += rpc.control?.idontwant?.length ?? 0
    }
    return sendRpc(id, rpc)
  }
  const heartbeat = pubsub.heartbeat.bind(pubsub)
  pubsub.heartbeat = async (...a: unknown[]) => { if (countersOn) heartbeats++; return await heartbeat(...a) }
}

/** libp2p's Connection defines newStream per instance: wrap each connection (open now, or opened later). */
const wrapped = new WeakSet<object>()
function hookStreams (conn: Connection): void {
  if (wrapped.has(conn)) return
  wrapped.add(conn)
  const newStream = conn.newStream.bind(conn)
  conn.newStream = async (protocols, options) => {
    if (countersOn) bump(streams, Array.isArray(protocols) ? protocols.join('|') : protocols)
    return await newStream(protocols, options)
  }
}

// ---- cost of one operation ------------------------------------------------------------------------
/** CPU (this process: both ends of every connection) of running `op` on every node, per operation, in µs. */
async function perOp (label: string, op: (n: AgentNode) => Promise<number>): Promise<[string, { ops: number, cpuUsPerOp: number }]> {
  // Idle baseline over the same wall time is subtracted: the network keeps living meanwhile.
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let ops = 0
  for (const n of nodes) ops += await op(n)
  await sleep(500) // let the far ends finish handling what we sent
  const cpu = process.cpuUsage(c0)
  const wallMs = performance.now() - t0
  const b0 = process.cpuUsage()
  await sleep(wallMs)
  const idle = process.cpuUsage(b0)
  const net = (cpu.user + cpu.system) - (idle.user + idle.system)
  return [label, { ops, cpuUsPerOp: Math.round(net / Math.max(1, ops)) }]
}

async function unitCosts (): Promise<Record<string, unknown>> {
  const { pingOver } = await import('../src/dial/ping-over.ts')
  const { gossipsubSubscriptionAnnouncer } = await import('../src/node/libp2p-internals.ts')
  const rows = [
    // One keep-alive ping: a stream, protocol negotiation, 32 bytes each way, on both nodes.
    await perOp('ping', async n => {
      const conns = n.libp2p.getConnections()
      await Promise.all(conns.map(async c => await pingOver(c, AbortSignal.timeout(15_000)).catch(() => 0)))
      return conns.length
    }),
    // One re-announcement of the trust topic to one peer (reputation/resubscribe.ts), and its handling there.
    await perOp('resubscribe', async n => {
      const a = gossipsubSubscriptionAnnouncer(n.libp2p.services.pubsub)
      const peers = a?.peers() ?? []
      for (const p of peers) { try { a?.announce(p, [TRUST_TOPIC]) } catch {} }
      return peers.length
    }),
    // One GossipSub heartbeat (mesh upkeep, scores, gossip) of a node with its peers.
    await perOp('heartbeat', async n => {
      const pubsub = n.libp2p.services.pubsub as unknown as { heartbeat: () => Promise<void> }
      for (let i = 0; i < 10; i++) await pubsub.heartbeat()
      return 10
    })
  ]
  return Object.fromEntries(rows)
}

// ---- the network ----------------------------------------------------------------------------------
const nodes: AgentNode[] = []
const dirs: string[] = []
const t0 = performance.now()
try {
  let hub: string | undefined
  for (let i = 0; i < count; i++) {
    const dataDir = await mkdtemp('/tmp/aw-idle-')
    dirs.push(dataDir)
    const node = await createAgentNode({
      ...extra,
      dataDir,
      name: `idle-${i}`,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      ...(hub != null ? { bootstrap: [hub] } : {}),
      limits: { inboundConnectionsPerHostPerSecond: 1000, maxIncomingPendingPerAddress: 64 }
    } as any)
    instrument(node)
    await node.start()
    nodes.push(node)
    hub ??= node.addresses()[0]
  }
  const want = Math.min(15, count - 1)
  const until = performance.now() + Number(values.settleMaxMs)
  let settled = count === 1
  while (!settled && performance.now() < until) {
    settled = nodes.every(n => kadTablePeers(n.libp2p.services.dht) >= want && (n.naming.lastPublished?.peersReached ?? 0) > 0)
    if (!settled) await sleep(1000)
  }
  say({ event: 'settled', settled, nodes: count, afterMs: Math.round(performance.now() - t0), load1: loadavg()[0] })
  await sleep(Number(values.warmMs))
  for (const n of nodes) {
    for (const c of n.libp2p.getConnections()) hookStreams(c)
    n.libp2p.addEventListener('connection:open', (evt) => { hookStreams(evt.detail) })
  }
  const lag = monitorEventLoopDelay({ resolution: 10 })
  for (let w = 0; w < Number(values.windows); w++) {
    const [variantName, variant] = variants[w % variants.length]
    apply(variant)
    // Let the previous variant's work in flight finish before counting.
    await sleep(2_000)
    streams.clear()
    Object.keys(rpcs).forEach(k => { (rpcs as any)[k] = 0 })
    heartbeats = 0
    lag.reset()
    lag.enable()
    countersOn = true
    const hr0 = process.hrtime.bigint() / 1000n
    const cpu0 = process.cpuUsage()
    const la0 = loadavg()[0]
    await sleep(windowMs)
    const cpu = process.cpuUsage(cpu0)
    const hr1 = process.hrtime.bigint() / 1000n
    countersOn = false
    lag.disable()
    const perMin = (n: number): number => Math.round(n * 60_000 / windowMs / count * 10) / 10
    const conns = nodes.map(n => n.libp2p.getConnections().length)
    const out: Record<string, unknown> = {
      event: 'window',
      window: w,
      variant: variantName,
      nodes: count,
      config: extra,
      cpuMsPerMinPerNode: perMin((cpu.user + cpu.system) / 1000),
      rssMBPerNode: Math.round(process.memoryUsage().rss / 1e6 / count * 10) / 10,
      connectionsPerNode: Math.round(conns.reduce((a, b) => a + b, 0) / count * 10) / 10,
      lagMs: { p50: Math.round(lag.percentile(50) / 1e5) / 10, p99: Math.round(lag.percentile(99) / 1e5) / 10, max: Math.round(lag.max / 1e5) / 10 },
      perMinPerNode: {
        heartbeats: perMin(heartbeats),
        gossipRpcs: perMin(rpcs.sent),
        ...Object.fromEntries(Object.entries(rpcs).filter(([k]) => k !== 'sent').map(([k, v]) => [`gossip.${k}`, perMin(v)])),
        ...Object.fromEntries([...streams].sort((a, b) => b[1] - a[1]).map(([k, v]) => [`stream ${k}`, perMin(v)]))
      },
      load1: [la0, loadavg()[0]].map(l => Math.round(l * 10) / 10),
      hrUs: [String(hr0), String(hr1)]
    }
    say(out)
  }
  if (values.unitCosts) say({ event: 'unit-costs', ...await unitCosts() })
} finally {
  await Promise.allSettled(nodes.map(async n => { await n.stop() }))
  await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
}

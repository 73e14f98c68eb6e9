// Many agentwire nodes for the DHT and gossip figures, driven over stdin with one JSON command a line
// (each answered by a line carrying the same `id`). Every node has a name (published to the DHT) and
// runs the reputation service, which gossips signed trust reports on `agentwire/trust/1`.
//   host --count K --first I --hub ADDR      K nodes named bench-I…, bootstrapping from ADDR
//                                            (without --hub, the first node is the hub)
//   probe --hub ADDR                         one node that measures: resolves names, looks up
//                                            PeerIds, publishes trust reports
// Commands: status, republish, times {key}, resolve {names, peerIds}, publish {subject}, cpu, lag.
// Times are wall-clock ms (performance.timeOrigin + now) so that processes on one host compare.
// When src/reputation is not importable, gossip falls back to a signed report-sized message on a
// bench-only topic, validated the same way (signature check), and `ready` says so.
import { mkdtemp, rm } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { peerIdFromString } from '@libp2p/peer-id'
import { parseArgs, emit } from './protocols.ts'
import { nameKey, verifyNameRecord } from '../../../src/naming/name-record.ts'
import { fastMessageId } from '../../../src/node/gossip.ts'

const { createAgentNode } = await import('../../../src/agent-node.ts')
type AgentNode = Awaited<ReturnType<typeof createAgentNode>>

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 600_000))
const wall = (): number => performance.timeOrigin + performance.now()

/** How long one DHT lookup may take here before it counts as a failure, in ms. */
const LOOKUP_TIMEOUT_MS = 5_000
/** How long one explicit republish may take here, in ms (src/naming: PUBLISH_TIMEOUT_MS for the background one). */
const REPUBLISH_TIMEOUT_MS = 30_000
/** Bench-only fallback topic, used only when the reputation layer cannot be loaded. */
const FALLBACK_TOPIC = 'agentwire-bench/gossip/1'

let reputation: any
try {
  reputation = await import('../../../src/reputation/index.ts')
} catch (err) {
  process.stderr.write(`reputation layer not loadable (${(err as Error).message}); using the bench topic\n`)
}

interface Gossiper {
  /** Publish one report about `subject`; resolves with the key receivers record it under. */
  publish: (subject: string) => Promise<string>
  stop: () => Promise<void>
}

/** Receive times by report key, per node index, and the peer that handed each over (for per-hop delays). */
const received: Array<Map<string, number>> = []
const receivedFrom: Array<Map<string, string>> = []
/** When each of our own reports was handed to GossipSub (after signing and the local writes), by key. */
const publishedAt = new Map<string, number>()
/** This process's event-loop delay: with many nodes on one thread, every hop waits behind the others' work. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()

async function gossiper (node: AgentNode, index: number): Promise<Gossiper> {
  const seen = received[index] = new Map<string, number>()
  const seenFrom = receivedFrom[index] = new Map<string, string>()
  if (reputation != null) {
    const rep = (node as any).reputation ?? new reputation.ReputationService({ libp2p: node.libp2p, peerId: node.peerId, privateKey: node.key, datastore: node.datastore, log: node.log }, {})
    const ownService = (node as any).reputation == null
    if (ownService) await rep.start()
    const watching = new AbortController()
    const published = new Map<string, (key: string) => void>()
    void (async () => {
      for await (const e of rep.watch({ signal: watching.signal })) {
        if (e.type === 'report') {
          const key = `${e.report.issuer}/${e.report.subject}/${e.report.seq}`
          seen.set(key, wall())
          seenFrom.set(key, e.from)
        }
        if (e.type === 'published') {
          const key = `${e.report.issuer}/${e.report.subject}/${e.report.seq}`
          publishedAt.set(key, wall())
          published.get(e.report.subject)?.(key)
        }
      }
    })().catch(() => {})
    return {
      publish: async (subject) => {
        const key = new Promise<string>(resolve => published.set(subject, resolve))
        await rep.rate(subject, 'ok')
        return await key
      },
      stop: async () => { watching.abort(); if (ownService) await rep.stop() }
    }
  }
  // Fallback: the same shape of work, on a bench-only topic.
  const pubsub = node.libp2p.services.pubsub as any
  pubsub.topicValidators.set(FALLBACK_TOPIC, async (from: unknown, msg: any) => {
    const { body, sig } = JSON.parse(new TextDecoder().decode(msg.data))
    const key = peerIdFromString(body.issuer).publicKey
    const ok = key != null && await key.verify(new TextEncoder().encode(JSON.stringify(body)), Buffer.from(sig, 'base64url'))
    if (!ok) return 'reject'
    seen.set(`${body.issuer}/${body.subject}/${body.seq}`, wall())
    seenFrom.set(`${body.issuer}/${body.subject}/${body.seq}`, String(from))
    return 'accept'
  })
  pubsub.subscribe(FALLBACK_TOPIC)
  let seq = Date.now()
  return {
    publish: async (subject) => {
      const body = { issuer: node.peerId.toString(), subject, positive: 1, negative: 0, vouch: 0, seq: ++seq, issuedAt: Date.now(), expiresAt: Date.now() + 86_400_000 }
      const sig = Buffer.from(await node.key.sign(new TextEncoder().encode(JSON.stringify(body)))).toString('base64url')
      await pubsub.publish(FALLBACK_TOPIC, new TextEncoder().encode(JSON.stringify({ v: 1, body, sig })))
      return `${body.issuer}/${body.subject}/${body.seq}`
    },
    stop: async () => { pubsub.unsubscribe(FALLBACK_TOPIC) }
  }
}

const nodes: AgentNode[] = []
const gossipers: Gossiper[] = []
const dataDirs: string[] = []

async function startNode (name: string, hub: string | undefined): Promise<AgentNode> {
  const dataDir = await mkdtemp('/tmp/awb-swarm-')
  dataDirs.push(dataDir)
  const node = await createAgentNode({
    dataDir,
    name,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...(hub != null ? { bootstrap: [hub] } : {}),
    limits: { inboundConnectionsPerHostPerSecond: 1000 },
    dht: { queryTimeoutMs: LOOKUP_TIMEOUT_MS }
  })
  const t0 = performance.now()
  await node.start()
  const t1 = performance.now()
  if (hub != null) await node.connect(hub, { signal: deadline }).catch(() => {}) // the bootstrap keeper retries too
  // Where a slow join goes (start vs the first connection), for the bench log on stderr; the
  // `started` line tells the harness this host is still making progress (see Swarm.addHosts).
  process.stderr.write(`${name}: start ${Math.round(t1 - t0)} ms, connect to hub ${Math.round(performance.now() - t1)} ms\n`)
  emit({ event: 'started', name })
  nodes.push(node)
  gossipers.push(await gossiper(node, nodes.length - 1))
  return node
}

let stopping = false
async function shutdown (code = 0): Promise<never> {
  if (!stopping) {
    stopping = true
    setTimeout(() => process.exit(code), 5_000).unref()
    await Promise.allSettled(gossipers.map(async g => { await g.stop() }))
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(dataDirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  }
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown() })
process.once('SIGINT', () => { void shutdown() })

const routingTableSize = (n: AgentNode): number => (n.libp2p.services.dht as any).routingTable?.size ?? 0

async function mapLimit<T, R> (items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]) }
  }))
  return out
}

async function resolveAll (node: AgentNode, names: string[], peerIds: string[]): Promise<Record<string, unknown>> {
  const nameMs: number[] = []
  const nameHops: number[] = []
  const findMs: number[] = []
  const findHops: number[] = []
  const failures: string[] = []
  for (const name of names) {
    if (deadline.aborted) break
    const t0 = performance.now()
    try {
      const r = await node.naming.resolve(name, { acceptNew: true, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) })
      nameMs.push(performance.now() - t0)
      nameHops.push(r.hops)
    } catch (err: any) {
      failures.push(`${name}: ${err.code ?? err.name}`)
    }
  }
  // Proposed for src/naming/name-service.ts: stop the DHT query at the first valid record instead of
  // walking it to the end (which asks every reachable DHT server in a small network and sends
  // correction records). Measured here on the same names, after the stock lookups.
  const earlyMs: number[] = []
  const earlyHops: number[] = []
  for (const name of names) {
    if (deadline.aborted) break
    const t0 = performance.now()
    const stop = new AbortController()
    let hops = 0
    let found = false
    try {
      for await (const event of node.libp2p.services.dht.get(nameKey(name), { signal: AbortSignal.any([stop.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) })) {
        if (event.name === 'PEER_RESPONSE') hops++
        const value = event.name === 'VALUE' ? event.value : event.name === 'PEER_RESPONSE' ? event.record?.value : undefined
        if (value == null) continue
        try {
          if ((await verifyNameRecord(value)).name === name) { found = true; stop.abort(); break }
        } catch {}
      }
    } catch {}
    if (found) { earlyMs.push(performance.now() - t0); earlyHops.push(hops) }
  }
  for (const peer of peerIds) {
    if (deadline.aborted) break
    const t0 = performance.now()
    let hops = 0
    let found = false
    try {
      // useCache: false goes to the network even when the peer store knows the address: that is the
      // lookup a node does when a peer has moved (src/node/find-peer.ts).
      for await (const event of node.libp2p.services.dht.findPeer(peerIdFromString(peer), { useCache: false, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) } as any)) {
        if (event.name === 'PEER_RESPONSE') hops++
        if (event.name === 'FINAL_PEER') { found = true; break }
      }
    } catch {}
    if (found) { findMs.push(performance.now() - t0); findHops.push(hops) } else failures.push(`${peer}: not found`)
  }
  return { nameMs, nameHops, findMs, findHops, failures, earlyMs, earlyHops }
}

try {
  if (mode === 'host') {
    const count = Number(args.count)
    const first = Number(args.first ?? 0)
    let hub: string | undefined = args.hub
    for (let i = 0; i < count && !deadline.aborted; i++) {
      const node = await startNode(`bench-${first + i}`, hub)
      hub ??= node.addresses()[0]
    }
  } else if (mode === 'probe') {
    await startNode('bench-prober', args.hub)
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  emit({ event: 'ready', pid: process.pid, gossip: reputation != null ? 'reputation' : 'bench-topic', nodes: nodes.map(n => ({ name: n.config.name, peerId: n.peerId.toString(), addr: n.addresses()[0] })) })

  const lines = createInterface({ input: process.stdin })
  lines.on('line', line => {
    let cmd: any
    try { cmd = JSON.parse(line) } catch { return }
    const answer = (fields: Record<string, unknown>): void => { emit({ id: cmd.id, ...fields }) }
    void (async () => {
      switch (cmd.cmd) {
        case 'status':
          answer({ routingTable: nodes.map(routingTableSize), published: nodes.map(n => n.naming.lastPublished?.peersReached ?? 0), connections: nodes.map(n => n.libp2p.getConnections().length), meshPeers: nodes.map(n => (n.libp2p.services.pubsub as any).getMeshPeers?.(reputation?.TRUST_TOPIC ?? FALLBACK_TOPIC)?.length ?? null) })
          break
        case 'republish':
          // A publish walks to the closest peers first; on a loaded host that takes longer than one lookup may.
          answer({ reached: await mapLimit(nodes, 8, async n => await n.naming.publish({ signal: AbortSignal.timeout(REPUBLISH_TIMEOUT_MS), timeoutMs: null }).catch(() => 0)) })
          break
        case 'cpu': {
          // This process's CPU time (user + system, µs) and resident memory: idle-cost per node.
          const { user, system } = process.cpuUsage()
          // Keep-alive pings sent and skipped (src/node/keep-alive.ts), summed over this process's nodes.
          const pings = nodes.reduce((sum, n) => {
            const c = (n.libp2p.services as { keepAlive?: { counts: { sent: number, skipped: number } } }).keepAlive?.counts
            return { sent: sum.sent + (c?.sent ?? 0), skipped: sum.skipped + (c?.skipped ?? 0) }
          }, { sent: 0, skipped: 0 })
          answer({ cpuUs: user + system, rss: process.memoryUsage().rss, nodes: nodes.length, routingTable: nodes.map(routingTableSize), pings, connections: nodes.reduce((sum, n) => sum + n.libp2p.getConnections().length, 0) })
          break
        }
        case 'times':
          answer({ times: received.map(m => m.get(cmd.key) ?? null), from: receivedFrom.map(m => m.get(cmd.key) ?? null), peerIds: nodes.map(n => n.peerId.toString()) })
          break
        case 'gossip-set': {
          // Switch GossipSub settings on every node here at runtime (scripts/gossip-ab.ts compares
          // variants in one network): `opts` merges into GossipSub's options (D, Dlo, Dhi, Dlazy,
          // heartbeatInterval, floodPublish are read as they are used); `fastMsgId` turns the
          // duplicate check before signature verification (src/node/gossip.ts) on or off.
          for (const n of nodes) {
            const pubsub = n.libp2p.services.pubsub as any
            Object.assign(pubsub.opts, cmd.opts ?? {})
            if (cmd.fastMsgId === true) {
              pubsub.fastMsgIdFn = fastMessageId
              pubsub.fastMsgIdCache ??= new pubsub.seenCache.constructor({ validityMs: pubsub.opts.seenTTL })
            } else if (cmd.fastMsgId === false) {
              pubsub.fastMsgIdFn = undefined
              pubsub.fastMsgIdCache = undefined
            }
          }
          const mesh = nodes.map(n => (n.libp2p.services.pubsub as any).getMeshPeers?.(reputation?.TRUST_TOPIC ?? FALLBACK_TOPIC)?.length ?? 0)
          answer({ mesh })
          break
        }
        case 'lag':
          // Event-loop delay since the last `lag` command, in ms.
          answer({ p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 })
          loopDelay.reset()
          break
        case 'resolve':
          answer(await resolveAll(nodes[0], cmd.names, cmd.peerIds))
          break
        case 'publish': {
          const t0 = wall()
          const key = await gossipers[0].publish(cmd.subject)
          answer({ t0, key, publishedAt: publishedAt.get(key) ?? null })
          break
        }
        default:
          answer({ error: `unknown command ${cmd.cmd}` })
      }
    })().catch(err => { answer({ error: (err as Error).message }) })
  })
  lines.once('close', () => { void shutdown() })
} catch (err) {
  process.stderr.write(`swarm peer (${mode}) failed: ${(err as Error).stack ?? String(err)}\n`)
  await shutdown(1)
}

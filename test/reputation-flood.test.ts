// Issue 17's floods on real nodes over 127.0.0.1: ten thousand throwaway issuers reporting on one
// subject, and a store filled to its cap with reports that expire. What is bounded is asserted as
// counts and caps (never durations); `npm run bench -- --only report-flood` measures CPU and RSS.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { TRUST_TOPIC, signReport, encodeReport, type ReputationEvent } from '../src/reputation/index.ts'

type ReportJsonEvent = Extract<ReputationEvent, { type: 'report' }>

const FLOOD_ISSUERS = Number(process.env.FLOOD_ISSUERS ?? 10_000)
const PER_SUBJECT = 256
const SMALL_STORE = 40
const BATCH = 250

// Roles: 0 victim (the hub; its forwarder budget raised so the whole flood reaches its store),
// 1 flooder, 2 honest peer that has served the victim well. A second network checks the
// forwarder budget and pruning: 0 a node with a small store that prunes often (the hub),
// 1 a publisher, 2 a node with a small forwarder budget.
const VICTIM = 0
const FLOODER = 1
const HONEST = 2
const SMALL = 0
const PUBLISHER = 1
const NEIGHBOUR = 2

let net: Testnet
let small: Testnet
const events: ReputationEvent[][] = []
const smallEvents: ReputationEvent[][] = []
const watchStop = new AbortController()
const id = (i: number): string => net.nodes[i].peerId.toString()

/** Reconnect every node to the hub (the victim) if a busy test process let a connection drop, and wait for the topic. */
async function rejoin (of: Testnet = net): Promise<void> {
  const hub = of.nodes[0].peerId.toString()
  for (const node of of.nodes.slice(1)) {
    if (node.libp2p.getConnections().some(c => c.remotePeer.toString() === hub && c.status === 'open')) continue
    await node.connect(of.nodes[0].addresses()[0])
  }
  await waitFor('every node to see the hub on the topic', () => of.nodes.slice(1).every(n => n.libp2p.services.pubsub.getSubscribers(TRUST_TOPIC).some(p => p.toString() === hub)), 20_000)
}

/**
 * Both ends' GossipSub view of each other, printed when an honest report does not arrive: scores,
 * mesh, topic membership, whether each side still has its gossip streams (GossipSub keeps a peer
 * whose stream closed on a live connection and then drops what it sends it), and connections.
 * The implementation's fields are not on the public GossipSub type.
 */
function gossipState (): Record<string, unknown> {
  const side = (a: number, b: number): Record<string, unknown> => {
    const sub = net.nodes[a].libp2p.services.pubsub as any
    const other = id(b)
    const out = sub.streamsOutbound.get(other)?.rawStream
    const inb = sub.streamsInbound.get(other)?.rawStream
    return {
      score: sub.getScore(other),
      stats: sub.score.peerStats.get(other),
      peer: sub.peers.has(other),
      inTopic: sub.topics.get(TRUST_TOPIC)?.has(other) ?? false,
      inMesh: sub.getMeshPeers(TRUST_TOPIC).includes(other),
      outbound: out == null ? null : { status: out.status, writeStatus: out.writeStatus, remoteReadStatus: out.remoteReadStatus, buffered: out.writeBuffer?.byteLength },
      inbound: inb == null ? null : { status: inb.status, readStatus: inb.readStatus, remoteWriteStatus: inb.remoteWriteStatus },
      connections: net.nodes[a].libp2p.getConnections(net.nodes[b].peerId).map(c => ({ status: c.status, streams: c.streams.map(s => `${s.protocol ?? '?'}:${s.direction}:${s.status}`) }))
    }
  }
  return { honestAboutVictim: side(HONEST, VICTIM), victimAboutHonest: side(VICTIM, HONEST) }
}

async function freshKeys (n: number): Promise<Array<{ key: PrivateKey, id: string }>> {
  const out: Array<{ key: PrivateKey, id: string }> = []
  for (let i = 0; i < n; i++) {
    const key = await generateKeyPair('Ed25519')
    out.push({ key, id: peerIdFromPrivateKey(key).toString() })
  }
  return out
}

before(async () => {
  net = await testnet(3, {
    config: i => ({
      reputation: { publishIntervalMs: 100, republishIntervalMs: 600_000, ...(i === VICTIM ? { perForwarder: { burst: 50_000, perMinute: 50_000 } } : {}) }
    })
  })
  small = await testnet(3, {
    config: i => ({
      reputation: {
        publishIntervalMs: 100,
        republishIntervalMs: 600_000,
        ...(i === SMALL ? { maxStoredReports: SMALL_STORE, pruneIntervalMs: 300, perForwarder: { burst: 50_000, perMinute: 50_000 } } : {}),
        ...(i === NEIGHBOUR ? { perForwarder: { burst: 200, perMinute: 100 } } : {})
      }
    })
  })
  for (const [i, node] of net.nodes.entries()) {
    events[i] = []
    void (async () => { for await (const e of node.reputation.watch({ signal: watchStop.signal })) events[i].push(e) })()
  }
  for (const [i, node] of small.nodes.entries()) {
    smallEvents[i] = []
    void (async () => { for await (const e of node.reputation.watch({ signal: watchStop.signal })) smallEvents[i].push(e) })()
  }
  await waitFor('every node to see trust-topic peers', () => [...net.nodes, ...small.nodes].every(n => n.libp2p.services.pubsub.getSubscribers(TRUST_TOPIC).length > 0), 20_000)
})

after(async () => {
  watchStop.abort()
  await net.stop()
  await small.stop()
  await removeTempDirs()
})

test('ten thousand throwaway issuers flooding one subject stay within the per-subject cap, and honest reports still count', async () => {
  const victim = net.nodes[VICTIM].reputation
  const subject = (await freshKeys(1))[0].id
  // The victim's own report about the subject (one failed call), and a peer it has a relationship with.
  await victim.rate(subject, 'failed')
  await victim.rate(id(HONEST), 'ok'); await victim.rate(id(HONEST), 'ok')
  await waitFor('the victim\'s own report to be held', () => victim.storeStats().holds(id(VICTIM), subject))
  const issuers = await freshKeys(FLOOD_ISSUERS)
  const pubsub = net.nodes[FLOODER].libp2p.services.pubsub
  const now = Date.now()
  const flood = new Set(issuers.map(i => i.id))
  const arrived = new Set<string>()
  void (async () => { for await (const e of victim.watch({ signal: watchStop.signal })) if (e.type === 'report' && flood.has(e.report.issuer)) arrived.add(e.report.issuer) })()
  const seen = (i: number): number => i === VICTIM ? arrived.size : events[i].filter(e => e.type === 'report' && flood.has(e.report.issuer)).length
  const messages = new Map<string, Uint8Array>()
  for (const [k, issuer] of issuers.entries()) {
    messages.set(issuer.id, encodeReport(await signReport(issuer.key, { issuer: issuer.id, subject, positive: 0, negative: 4, vouch: 0, seq: now + k, issuedAt: now, expiresAt: now + 600_000 })))
  }
  // In batches, each validated before the next is sent. Five nodes and a flooder signing in one busy
  // process: a connection can drop or stall (libp2p's connection monitor, a starved event loop), and
  // GossipSub then loses what was in flight. The flooder does what a real one would: reconnect and
  // send what did not arrive. The victim is what is tested.
  let stalls = 0
  const cpu0 = process.cpuUsage()
  for (let k = 0; k < issuers.length; k += BATCH) {
    const batch = issuers.slice(k, k + BATCH)
    const target = Math.min(k + BATCH, issuers.length)
    for (let attempt = 0; seen(VICTIM) < target; attempt++) {
      assert.ok(attempt < 5, `the flood stalled ${attempt} times at ${seen(VICTIM)} reports`)
      if (attempt > 0) {
        stalls++
        await net.nodes[FLOODER].disconnect(id(VICTIM)).catch(() => {}) // may be gone already
        await net.nodes[FLOODER].connect(net.nodes[VICTIM].addresses()[0])
        await waitFor('the flooder to see the victim on the topic again', () => pubsub.getSubscribers(TRUST_TOPIC).some(p => p.toString() === id(VICTIM)))
      }
      for (const issuer of batch) if (!arrived.has(issuer.id)) await pubsub.publish(TRUST_TOPIC, messages.get(issuer.id)!)
      await waitFor(`the victim to validate ${target} flood reports`, () => seen(VICTIM) >= target, 5_000, 50).catch(() => {})
    }
  }
  console.log(`# flood transport stalls (reconnected): ${stalls}`)
  // What each node refused, and from whom (a Reject makes GossipSub penalise the forwarding peer),
  // and how each scores the others: context for a miss below.
  const role = (peer: string): string => ({ [id(VICTIM)]: 'victim', [id(FLOODER)]: 'flooder', [id(HONEST)]: 'honest' })[peer] ?? peer
  for (const i of [VICTIM, HONEST]) {
    const codes: Record<string, number> = {}
    for (const e of events[i]) if (e.type === 'rejected' || e.type === 'ignored') codes[`${e.type} ${e.code} from ${role(e.from)}`] = (codes[`${e.type} ${e.code} from ${role(e.from)}`] ?? 0) + 1
    const scores = Object.fromEntries([VICTIM, FLOODER, HONEST].filter(j => j !== i).map(j => [role(id(j)), (net.nodes[i].libp2p.services.pubsub as any).getScore(id(j))]))
    console.log(`# ${role(id(i))} refused ${JSON.stringify(codes)}; GossipSub scores ${JSON.stringify(scores)}`)
  }
  const cpu = process.cpuUsage(cpu0)
  const stats = victim.storeStats()
  console.log(`# flood: ${FLOOD_ISSUERS} issuers; victim holds ${stats.reportersOf(subject)} reporters about the subject, ${stats.reports} reports from ${stats.issuers} issuers, ${stats.evicted} evicted; whole test process CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms (5 nodes and the flooder), heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`)
  assert.ok(stats.reportersOf(subject) <= PER_SUBJECT, `${stats.reportersOf(subject)} reporters about one subject (cap ${PER_SUBJECT})`)
  assert.ok(stats.reports <= PER_SUBJECT + 10, `${stats.reports} reports held`)
  assert.ok(stats.issuers <= PER_SUBJECT + 10, `${stats.issuers} issuers held`)
  assert.ok(stats.evicted >= FLOOD_ISSUERS - PER_SUBJECT, 'strangers pushed out strangers, oldest first')
  assert.ok(stats.holds(id(VICTIM), subject), 'our own report is never evicted')
  // Throwaway strangers condemning the subject decide nothing.
  const view = victim.get(subject)
  assert.ok(!['refuse', 'quarantined'].includes(view.state), `the flood moved the subject to ${view.state}`)
  assert.equal(view.condemnedBy, 0)
  // An honest report from a peer the victim has worked with is still accepted, held and believed.
  await rejoin()
  await net.nodes[HONEST].reputation.rate(subject, 'invalid'); await net.nodes[HONEST].reputation.rate(subject, 'invalid')
  await waitFor('the honest report to be held', () => victim.storeStats().holds(id(HONEST), subject), 30_000).catch(err => {
    console.log('# honest published', JSON.stringify(events[HONEST].filter(e => e.type === 'published' && e.report.subject === subject)))
    console.log('# victim got', JSON.stringify(events[VICTIM].filter(e => (e.type === 'report' && e.report.issuer === id(HONEST)) || e.type === 'ignored' || e.type === 'rejected').slice(-5)))
    // For the intermittent miss (1 in 5 runs in a loop): does GossipSub at either end score the other
    // below its publish/graylist thresholds (broken IHAVE promises during the flood?), or hold it out of the mesh?
    // The implementation's methods (getScore, getMeshPeers) are not on the public GossipSub type.
    console.log('# gossip', JSON.stringify(gossipState()))
    throw err
  })
  await waitFor('the honest report to count', () => victim.get(subject).condemnedBy === 1, 10_000)
  assert.ok(victim.storeStats().reportersOf(subject) <= PER_SUBJECT)
})

test('a forwarder over its budget is held to it; expired reports are pruned on a timer, and a full store accepts new reports again', async () => {
  const store = small.nodes[SMALL].reputation
  await rejoin(small)
  const smallId = small.nodes[SMALL].peerId.toString()
  const subject = (await freshKeys(1))[0].id
  await store.rate(subject, 'ok')
  await waitFor('its own report to be held', () => store.storeStats().holds(smallId, subject))
  const publisher = small.nodes[PUBLISHER].libp2p.services.pubsub
  const started = Date.now()
  const send = async (keys: Array<{ key: PrivateKey, id: string }>, ttlMs: number): Promise<void> => {
    const now = Date.now()
    for (const [k, issuer] of keys.entries()) {
      const r = await signReport(issuer.key, { issuer: issuer.id, subject: keys[(k + 1) % keys.length].id, positive: 1, negative: 0, vouch: 0, seq: now + k, issuedAt: now, expiresAt: now + ttlMs })
      await publisher.publish(TRUST_TOPIC, encodeReport(r))
    }
  }
  const shortLived = await freshKeys(400)
  // Long enough to arrive on a busy machine (a report expired on arrival is rejected), short enough to wait for.
  await send(shortLived, 15_000)
  const mine = new Set(shortLived.map(k => k.id))
  const got = (i: number): ReportJsonEvent[] => smallEvents[i].filter((e): e is ReportJsonEvent => e.type === 'report' && mine.has(e.report.issuer))
  await waitFor('the small store to see the short-lived reports', () => got(SMALL).length >= SMALL_STORE, 30_000).catch(err => {
    const c: Record<string, number> = {}; for (const e of smallEvents[SMALL]) if (e.type === 'ignored' || e.type === 'rejected') c[e.code] = (c[e.code] ?? 0) + 1
    console.log(`# small store saw ${got(SMALL).length}; codes ${JSON.stringify(c)}`)
    throw err
  })
  assert.ok(store.storeStats().reports <= SMALL_STORE, `${store.storeStats().reports} reports held (cap ${SMALL_STORE})`)
  assert.ok(store.storeStats().holds(smallId, subject), 'a full store keeps our own report')
  // The neighbour holds each forwarding peer to its budget.
  await waitFor('the neighbour to ignore a forwarder over its budget', () => smallEvents[NEIGHBOUR].some(e => e.type === 'ignored' && e.code === 'FORWARDER_FLOOD'), 30_000)
  const budget = small.nodes[NEIGHBOUR].config.reputation.perForwarder
  const minutes = (Date.now() - started) / 60_000
  const byForwarder = new Map<string, number>()
  for (const e of got(NEIGHBOUR)) byForwarder.set(e.from, (byForwarder.get(e.from) ?? 0) + 1)
  for (const [from, n] of byForwarder) assert.ok(n <= budget.burst + budget.perMinute * minutes, `the neighbour accepted ${n} reports forwarded by ${from} (burst ${budget.burst}, ${budget.perMinute}/min)`)
  // Nothing calls prune here: the timer empties the store of everything that expired.
  await waitFor('expired reports to be pruned', () => store.storeStats().reports === 1, 60_000)
  const fresh = await freshKeys(5)
  await send(fresh, 600_000)
  await waitFor('new reports to be accepted and held', () => fresh.every(k => smallEvents[SMALL].some(e => e.type === 'report' && e.report.issuer === k.id)) && store.storeStats().reports === 1 + fresh.length, 30_000)
})

test('a peer that lost track of our subscription learns it again, and then gets our reports', async () => {
  await rejoin()
  // The state a flood left behind (see gossipState): the honest node still connected to the victim,
  // but no longer counting it among the topic's subscribers, because the victim's one subscription
  // announcement reached it while it had the victim graylisted. GossipSub never announces it again
  // by itself, and floodPublish sends only to the subscribers it knows.
  const honestSub = net.nodes[HONEST].libp2p.services.pubsub as any
  honestSub.topics.get(TRUST_TOPIC)?.delete(id(VICTIM))
  assert.ok(!honestSub.getSubscribers(TRUST_TOPIC).some((p: { toString: () => string }) => p.toString() === id(VICTIM)))
  const subject = (await freshKeys(1))[0].id
  await net.nodes[HONEST].reputation.rate(subject, 'invalid')
  await waitFor('the victim to be known as a subscriber again', () => honestSub.getSubscribers(TRUST_TOPIC).some((p: { toString: () => string }) => p.toString() === id(VICTIM)), 30_000)
  await waitFor('the honest report to reach the victim', () => net.nodes[VICTIM].reputation.storeStats().holds(id(HONEST), subject), 30_000)
})

test('a peer that was not among our report\'s recipients gets it when it announces the topic again', async (t) => {
  // The flood test's third miss, recreated: our report is published while a connected peer is
  // missing from GossipSub's subscribers (its subscription lost, or its old connection's disconnect
  // processed after the new one opened), so floodPublish skips it; the peer is grafted back a moment
  // later, and nothing sends it what it missed. A line, listener - publisher - bystander, so no
  // other node forwards the report to the listener.
  const line = await testnet(3, { connectToFirst: false, config: () => ({ reputation: { publishIntervalMs: 100, republishIntervalMs: 600_000 } }) })
  t.after(async () => { await line.stop() })
  const [listener, publisher, bystander] = line.nodes
  await publisher.connect(listener.addresses()[0])
  await publisher.connect(bystander.addresses()[0])
  const sub = publisher.libp2p.services.pubsub as any
  const known = (p: string): boolean => sub.getSubscribers(TRUST_TOPIC).some((x: { toString: () => string }) => x.toString() === p)
  const listenerId = listener.peerId.toString()
  await waitFor('the publisher to see both peers on the topic', () => known(listenerId) && known(bystander.peerId.toString()), 20_000)
  sub.topics.get(TRUST_TOPIC)?.delete(listenerId)
  const published: ReputationEvent[] = []
  void (async () => { for await (const e of publisher.reputation.watch({ signal: watchStop.signal })) published.push(e) })()
  const subject = (await freshKeys(1))[0].id
  await publisher.reputation.rate(subject, 'invalid')
  await waitFor('the report to be published', () => published.some(e => e.type === 'published' && e.report.subject === subject))
  assert.ok(!listener.reputation.storeStats().holds(publisher.peerId.toString(), subject), 'the listener was skipped')
  await waitFor('the listener to get the report it missed', () => listener.reputation.storeStats().holds(publisher.peerId.toString(), subject), 30_000)
})

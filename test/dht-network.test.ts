// A network of 40 nodes in one process, all joined through node 0, as a fleet that starts at once
// would. Once every node reports its routing table healthy and its name stored on enough DHT peers
// (status field `dht`, NameService.lastPublished), every node finds PEERS_EACH others by PeerId
// through the DHT (findPeer, the dialler's own lookup: no peer-store shortcut), every node is found by
// PEERS_EACH others, and a name per node resolves from across the network: 100 %. (All 40x39 pairs
// took over 10 minutes on the shared 2-core box; the sample keeps every node both asker and target.)
// Not a timing test: the waits are conditions with generous deadlines, the assertions are answers.
// Slow on a loaded host: starting the 40 nodes one by one is most of its time (each newcomer costs
// every running node a connection, identify, a DHT ping and a republish check); measured at load
// 12 with nice 10: 280 s to start, then 200 lookups in ~100 s (issue 21 note); 3-5 min at load 7-9.
// On main 1 lookup of 200 missed in 1 of 7 runs, every asked peer answering. Two causes were found
// and fixed (issue 21, h21): kad-dht 16.4.5's KBucket split raced concurrent adds, duplicating and
// misplacing peers (patches/@libp2p+kad-dht+16.4.5.patch, test/dht-kbucket.test.ts), and identify
// timing out under event-loop lag left peer records with no address, which FIND_NODE answers leave
// out (DhtKeeper, test/dht-identify.test.ts). A miss prints what every node knew of the target
// (connected, in its table, with addresses).
// In `npm test` since issue 21's dht3 session. The third cause, load: on a busy host every request of
// a walk failed together (event-loop stalls longer than kad-dht's 5 s request timeout; Node fires the
// expired timers before it reads the answers), so a few lookups heard from nobody ("asked 0 peers,
// 20 did not answer"; names: "asked 0 DHT peers") while the target was known at 36-39 of 39 nodes.
// Now a walk sends 10 requests at a time instead of 20 (src/node/libp2p.ts), and findPeer and
// NameService.resolve walk again while their deadline allows when nobody answered
// (test/dht-stall.test.ts makes the stall on purpose). At load 12-14 (40 nodes getting ~18 % of a
// core) connections themselves drop and re-dials time out: no lookup setting helps there.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { dhtHealth } from '../src/node/dht-health.ts'
import { findPeer } from '../src/node/find-peer.ts'
import { NAME_MIN_REPLICAS } from '../src/naming/constants.ts'
import { kadRoutingTable } from '../src/node/libp2p-internals.ts'
import type { AgentNode } from '../src/agent-node.ts'

const N = 40
/** PeerId lookups per node, and lookups for each node, through the DHT. */
const PEERS_EACH = 5
/**
 * Lookups in flight at once across the whole net. All 40 nodes share this process's one thread: a
 * lookup asks up to 20 DHT peers at once, and every answer costs its asker peer-store and routing
 * table work, so this is a load knob of the test, not a property of the network (each node of a
 * real fleet has its own CPU).
 */
const CONCURRENCY = 4
/** One lookup's deadline, in ms (the dialler's default `dht.queryTimeoutMs` is 10 s). */
const LOOKUP_TIMEOUT_MS = 30_000

let hubNet: Testnet | undefined
let net: Testnet | undefined
after(async () => { await net?.stop(); await hubNet?.stop() })

async function mapLimit<T> (items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++])
  }))
}

function messageOf (err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * What the network knows of `target`, node by node: connected to it, holding it in the routing
 * table, holding addresses for it (a FIND_NODE answer leaves out a peer with none). Printed for a
 * missed lookup, so a miss says which of these was lacking.
 */
async function whereIs (nodes: AgentNode[], target: AgentNode): Promise<string> {
  let connected = 0; let inTable = 0; let withAddresses = 0
  const bare: string[] = []
  for (const n of nodes) {
    if (n === target) continue
    const open = n.libp2p.getConnections(target.peerId).filter(c => c.status === 'open')
    const listed = await kadRoutingTable(n.libp2p.services.dht).find(target.peerId) != null
    let addresses = 0
    try { addresses = (await n.libp2p.peerStore.get(target.peerId)).addresses.length } catch {}
    if (open.length > 0) connected++
    if (listed) inTable++
    if (addresses > 0) withAddresses++
    else if (open.length > 0) bare.push(`${n.config.name ?? '?'}(${open.map(c => c.direction).join('+')}${listed ? ', in table' : ''})`)
  }
  return `${target.config.name ?? '?'}: connected at ${connected}, in ${inTable} routing tables, addresses at ${withAddresses} of ${nodes.length - 1} nodes` +
    (bare.length > 0 ? `; connected with no address at ${bare.join(' ')}` : '')
}

/**
 * Connected pairs (a, b) where a holds no address for b: such a b is left out of a's FIND_NODE
 * answers. Said with the connections' ages (identify runs when a connection opens; the DhtKeeper
 * runs it again on one still bare after 8 s) and the b's concerned.
 */
async function bareConnections (nodes: AgentNode[]): Promise<string> {
  const ages: number[] = []
  const targets = new Set<string>()
  for (const a of nodes) {
    for (const b of nodes) {
      const open = a === b ? [] : a.libp2p.getConnections(b.peerId).filter(c => c.status === 'open')
      if (open.length === 0) continue
      let addresses = 0
      try { addresses = (await a.libp2p.peerStore.get(b.peerId)).addresses.length } catch {}
      if (addresses > 0) continue
      ages.push(Math.round((Date.now() - Math.min(...open.map(c => c.timeline.open))) / 1000))
      targets.add(b.config.name ?? '?')
    }
  }
  return ages.length === 0
    ? 'no connected pair without an address'
    : `${ages.length} connected pairs with no address (connections ${Math.min(...ages)}-${Math.max(...ages)} s old; peers ${[...targets].slice(0, 6).join(' ')}${targets.size > 6 ? ' ...' : ''})`
}

test(`a ${N}-node network: once formed, every node finds others by PeerId and names resolve, 100 %`, { timeout: 900_000 }, async (t) => {
  const t0 = Date.now()
  // One bootstrap node, then the rest configured with it: each dials it (and retries, as a real
  // node does) instead of 39 test-driven dials landing on it in the same instant.
  hubNet = await testnet(1, { config: () => ({ name: 'dht-net-0', dht: { queryTimeoutMs: LOOKUP_TIMEOUT_MS } }) })
  const hub = hubNet.nodes[0].addresses()[0]
  net = await testnet(N - 1, { connectToFirst: false, config: i => ({ name: `dht-net-${i + 1}`, bootstrap: [hub], dht: { queryTimeoutMs: LOOKUP_TIMEOUT_MS } }) })
  const nodes = [...hubNet.nodes, ...net.nodes]

  // Formed: each node's table is healthy and its name sits on enough peers. The node says so itself.
  const unformed = (): string[] => nodes.flatMap(n => {
    const health = dhtHealth(n.libp2p)
    const reached = n.naming.lastPublished?.peersReached ?? 0
    return health.state === 'ok' && reached >= Math.min(NAME_MIN_REPLICAS, health.routingTable)
      ? []
      : [`${n.config.name ?? '?'}: ${health.detail}, ${health.connectedPeers} connected, name on ${reached} peers`]
  })
  try {
    await waitFor('every routing table to be healthy and every name stored', () => unformed().length === 0, 300_000, 500)
  } catch (err) {
    // Say which nodes had not formed, and how far they got.
    assert.fail(`${messageOf(err)}: ${unformed().join('; ')}`)
  }
  for (const n of nodes) assert.equal(n.status().dht.state, 'ok')
  // Progress for a reader of a slow run (a loaded host stretches every phase).
  t.diagnostic(`formed after ${Math.round((Date.now() - t0) / 1000)} s; routing tables ${Math.min(...nodes.map(n => dhtHealth(n.libp2p).routingTable))}-${Math.max(...nodes.map(n => dhtHealth(n.libp2p).routingTable))} peers; ${await bareConnections(nodes)}`)

  // Node i asks for nodes i+1, i+3, i+7, ... (strides coprime to N): every node asks PEERS_EACH times and is asked for PEERS_EACH times.
  const strides = [1, 3, 7, 13, 19].slice(0, PEERS_EACH)
  const pairs = nodes.flatMap((a, i) => strides.map(k => [a, nodes[(i + k) % N]] as const))
  const missed: string[] = []
  await mapLimit(pairs, CONCURRENCY, async ([a, b]) => {
    try {
      const found = await findPeer(a.libp2p, b.peerId, LOOKUP_TIMEOUT_MS)
      if (found.multiaddrs.length === 0) missed.push(`${a.config.name} -> ${b.config.name}: found with no address`)
    } catch (err) {
      // The error says how many peers answered and how many did not (find-peer.ts); whereIs says
      // what the network knew of the target right after.
      missed.push(`${a.config.name} -> ${b.config.name}: ${messageOf(err)} [${await whereIs(nodes, b)}]`)
    }
  })
  t.diagnostic(`${pairs.length - missed.length} of ${pairs.length} PeerId lookups found after ${Math.round((Date.now() - t0) / 1000)} s`)
  assert.deepEqual(missed, [], `${missed.length} of ${pairs.length} PeerId lookups failed`)

  // Names: each node resolves the name of a node far from it in start order (its own first-use pin).
  const wrong: string[] = []
  await mapLimit(nodes, CONCURRENCY, async a => {
    const i = nodes.indexOf(a)
    const b = nodes[(i + N / 2 + 3) % N]
    try {
      const r = await a.naming.resolve(b.config.name!)
      if (r.peerId !== b.peerId.toString()) wrong.push(`${a.config.name} resolved ${b.config.name} to ${r.peerId}`)
    } catch (err) {
      wrong.push(`${a.config.name} -> ${b.config.name}: ${messageOf(err)}`)
    }
  })
  assert.deepEqual(wrong, [], `${wrong.length} of ${N} name lookups failed`)
})

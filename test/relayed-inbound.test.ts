// A NATed node reached through its relay (127.0.0.1, no namespaces, so it runs in every `npm test`):
// how many inbound relayed connections it accepts, and what one ping costs it. The NAT lab
// (natlab.test.ts) found both: its relayed NATed-to-NATed pings failed ("connected, but ping failed:
// All multiaddr dials failed") when the NATed node refused the relay's sixth connection in a second.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'
import { waitFor, LOCALHOST_LIMITS } from './helpers/testnet.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'
import { InboundRate } from '../src/guard/inbound-rate.ts'

// More callers than the default per-host rate (limits.inboundConnectionsPerHostPerSecond, 5).
const CALLERS = 8

let relay: AgentNode, natted: AgentNode
const callers: AgentNode[] = []

before(async () => {
  relay = await createAgentNode({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], relay: { server: true }, dht: { mode: 'server' }, limits: LOCALHOST_LIMITS, log: { level: 'silent' } })
  await relay.start()
  const via = relay.addresses()[0]
  // No listen address: the relay is the only way in, as behind a NAT. Its per-host inbound rate is
  // the default (5 a second); only the cap on connections still upgrading per relay is raised, so
  // that the callers below, all arriving at once, are limited by the rate alone.
  natted = await createAgentNode({ dataDir: await tempDir(), listen: [], relay: { reservations: [via] }, limits: { maxIncomingPendingPerAddress: 1000 }, log: { level: 'silent' } })
  await natted.start()
  await waitFor('a /p2p-circuit address', () => natted.addresses().some(a => Circuit.matches(multiaddr(a))))
  for (let i = 0; i < CALLERS; i++) {
    const caller = await createAgentNode({ dataDir: await tempDir(), listen: [], limits: LOCALHOST_LIMITS, log: { level: 'silent' } })
    await caller.start()
    callers.push(caller)
  }
})
after(async () => {
  await Promise.all([...callers.map(async c => { await c.stop() }), natted?.stop(), relay?.stop()])
  await removeTempDirs()
})

test('a NATed node answers more peers at once through its relay than the per-host rate: each relayed peer counts for itself, not the relay\'s IP', async () => {
  const circuit = natted.addresses().find(a => Circuit.matches(multiaddr(a)))
  assert.ok(circuit != null)
  // All at once: libp2p counted every relayed connection as one from the relay's IP and refused the sixth.
  const results = await Promise.allSettled(callers.map(async c => await c.ping(circuit)))
  const failed = results.flatMap((r, i) => r.status === 'rejected' ? [`caller ${i}: ${String(r.reason)}`] : [])
  assert.deepEqual(failed, [])
})

test('a ping over a relayed connection rides that connection: no second circuit is dialled beside it', async () => {
  const caller = callers[0]
  const target = natted.peerId.toString()
  await caller.libp2p.hangUp(natted.peerId)
  await waitFor('no connection left', () => caller.libp2p.getConnections(natted.peerId).length === 0)
  const opened: Connection[] = []
  const onOpen = (evt: CustomEvent<Connection>): void => { if (evt.detail.remotePeer.equals(natted.peerId)) opened.push(evt.detail) }
  caller.libp2p.addEventListener('connection:open', onOpen)
  try {
    // By PeerId, the way a user pings: the relayed address is known from the test above.
    await caller.ping(target)
    await caller.ping(target)
  } finally {
    caller.libp2p.removeEventListener('connection:open', onOpen)
  }
  // @libp2p/ping's ping(peerId) never reuses a connection with relay limits, so it dialled a fresh
  // circuit per ping (libp2p then closed it as a duplicate): the NATed node paid two connections.
  assert.deepEqual(opened.map(c => Circuit.matches(c.remoteAddr)), [true])
})

test('the per-host rate still holds for direct connections and for one relayed peer', () => {
  const rate = new InboundRate({ perSecond: 5 })
  const now = Date.now()
  const from = (addr: string): { remoteAddr: ReturnType<typeof multiaddr> } => ({ remoteAddr: multiaddr(addr) })
  const relayed = (peer: string): { remoteAddr: ReturnType<typeof multiaddr> } => from(`/ip4/11.0.0.1/tcp/4001/p2p/${relay.peerId.toString()}/p2p-circuit/p2p/${peer}`)
  const host = Array.from({ length: 6 }, () => rate.take(from('/ip4/11.0.0.9/tcp/40000'), now))
  assert.deepEqual(host, [true, true, true, true, true, false], 'a sixth direct connection from one IP in a second is refused')
  // Eight peers behind one relay: each its own budget, although all arrive from the relay's IP.
  assert.ok(callers.every(c => rate.take(relayed(c.peerId.toString()), now)))
  const one = Array.from({ length: 6 }, () => rate.take(relayed(natted.peerId.toString()), now))
  assert.deepEqual(one, [true, true, true, true, true, false], 'one relayed peer is held to the rate like a host')
  assert.equal(rate.take(from('/ip4/11.0.0.9/tcp/40001'), now + 1_000), true, 'a second later the host may connect again')
})

test('the DHT does not keep a peer alive that it knows only through a relay: no redial racing that peer\'s own dial', async () => {
  const via = relay.addresses()[0]
  const start = async (reserve: boolean): Promise<AgentNode> => {
    const node = await createAgentNode({ dataDir: await tempDir(), listen: [], bootstrap: [via], ...(reserve ? { relay: { reservations: [via] } } : {}), limits: LOCALHOST_LIMITS, log: { level: 'silent' } })
    await node.start()
    return node
  }
  const [target, caller] = await Promise.all([start(true), start(false)])
  try {
    await waitFor('a /p2p-circuit address', () => target.addresses().some(a => Circuit.matches(multiaddr(a))))
    // By PeerId: the DHT lookup makes the caller's routing table ping the target (libp2p's ping,
    // which a DHT client answers too), and kad-dht then tags it among its closest peers.
    await waitFor('the target found by PeerId', async () => await caller.ping(target.peerId.toString()).then(() => true, () => false))
    const tags = async (): Promise<string[]> => [...(await caller.libp2p.peerStore.get(target.peerId)).tags.keys()]
    await waitFor('kad-dht\'s closest-peer tags (every 5 s)', async () => (await tags()).includes('kad-close'), 30_000)
    // With the keep-alive tag libp2p redialled the target through the relay whenever it hung up,
    // racing the target's own dial back: both relayed connections died (NAT lab, 1 run in 10).
    assert.deepEqual((await tags()).filter(t => t.startsWith('keep-alive')), [])
  } finally {
    await Promise.all([target.stop(), caller.stop()])
  }
})

test('an audit witness exchange with a relayed peer rides the open relayed connection: no second circuit is dialled beside it', async () => {
  const caller = callers[1]
  const circuit = natted.addresses().find(a => Circuit.matches(multiaddr(a)))
  assert.ok(circuit != null)
  await caller.connect(circuit)
  // Witnesses are mutually trusted peers.
  await caller.trust.request(natted.peerId.toString(), 'witness test')
  await natted.trust.approve(caller.peerId.toString())
  await waitFor('mutual trust', () => caller.trust.isAllowed(natted.peerId.toString()))
  const opened: Connection[] = []
  const onOpen = (evt: CustomEvent<Connection>): void => { if (evt.detail.remotePeer.equals(natted.peerId)) opened.push(evt.detail) }
  caller.libp2p.addEventListener('connection:open', onOpen)
  try {
    const answers = await caller.trust.witness.collect()
    const fromNatted = answers.find(w => w.peer === natted.peerId.toString())
    assert.ok(fromNatted != null && fromNatted.error == null, `the relayed witness answered (${fromNatted?.error ?? 'not asked'})`)
  } finally {
    caller.libp2p.removeEventListener('connection:open', onOpen)
  }
  // libp2p's dialProtocol(peerId) never reuses a connection with relay limits: each exchange dialled
  // a fresh circuit (then closed as a duplicate), one more inbound connection for the NATed peer.
  assert.deepEqual(opened.map(c => c.remoteAddr.toString()), [])
})

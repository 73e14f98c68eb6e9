// A lookup whose DHT walk heard no answer at all must walk again while its deadline allows: such a
// walk says nothing about the target. Traced at 40 nodes in one process on a loaded host (issue 21):
// a missed lookup's requests all timed out together ("asked 0 peers, 20 did not answer") while the
// target was known at 36-39 of 39 nodes. The mechanism, made here on purpose: the event loop is held
// longer than kad-dht's per-request timeout (its AdaptiveTimeout floor, 5 s) right after a walk sent
// its requests. When the loop runs again, Node fires the expired timers before it reads any socket,
// so every request in flight fails at once, answered or not, and the walk ends with nobody having
// answered. NameService.resolve then said "no node publishes" (asked 0 DHT peers).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Key } from 'interface-datastore'
import { toString } from 'uint8arrays'
import { testnet, waitFor } from './helpers/testnet.ts'
import { findPeer } from '../src/node/find-peer.ts'
import { nameKey } from '../src/naming/index.ts'
import type { AgentNode } from '../src/agent-node.ts'

/** Longer than kad-dht's per-request timeout for a node with no slow requests yet (5 s). */
const STALL_MS = 5_500
const LOOKUP_TIMEOUT_MS = 30_000

interface KadEvent { name: string }
type SendRequest = (...args: unknown[]) => AsyncGenerator<KadEvent>

/**
 * Hold the whole event loop once, the moment `node` has sent a DHT request, and count what became
 * of every request then in flight. kad-dht's network object is internal (16.4: `dht.network`); the
 * wrapper only watches its events and adds the stall, it answers nothing itself.
 */
function stallOnce (node: AgentNode): { inFlight: () => number, answered: () => number, failed: () => number, stalled: () => boolean } {
  const network = (node.libp2p.services.dht as unknown as { network?: { sendRequest?: SendRequest } }).network
  const original = network?.sendRequest
  if (network == null || typeof original !== 'function') throw new Error('kad-dht has no network.sendRequest any more: update this test')
  const running = new Set<number>()
  let caught: Set<number> | undefined
  let answered = 0; let failed = 0; let next = 0
  network.sendRequest = async function * (...args: unknown[]) {
    const id = next++
    for await (const event of original.apply(network, args)) {
      // DIAL_PEER comes after the request's timeout started, SEND_QUERY once its stream is open.
      if (event.name === 'DIAL_PEER') running.add(id)
      if (event.name === 'SEND_QUERY' && caught == null) {
        caught = new Set(running)
        const until = Date.now() + STALL_MS
        while (Date.now() < until) { /* a host too busy to run this process */ }
      }
      if (event.name === 'PEER_RESPONSE' || event.name === 'QUERY_ERROR') {
        running.delete(id)
        if (caught?.has(id) === true) { if (event.name === 'PEER_RESPONSE') answered++; else failed++ }
      }
      yield event
    }
  }
  return { inFlight: () => caught?.size ?? 0, answered: () => answered, failed: () => failed, stalled: () => caught != null }
}

test('a name resolves although the first walk of its lookup got no answer (event-loop stall)', async (t) => {
  const net = await testnet(5, t, { config: i => ({ ...(i === 4 ? { name: 'stalled-name' } : {}), dht: { queryTimeoutMs: LOOKUP_TIMEOUT_MS } }) })
  const [asker, target] = [net.nodes[1], net.nodes[4]]
  await waitFor('the name to be stored on DHT peers', () => (target.naming.lastPublished?.peersReached ?? 0) >= 2, 30_000, 200)
  // The asker's own copy would answer without the network: drop it, as a node not among the closest has none.
  await asker.datastore.delete(new Key(`/agentwire-dht/record/${toString(nameKey('stalled-name'), 'base32')}`, false))
  const stall = stallOnce(asker)
  const resolved = await asker.naming.resolve('stalled-name')
  // Precondition: the stall really cost the first walk every request it had in flight.
  assert.ok(stall.stalled() && stall.inFlight() > 0, 'the lookup should have sent requests')
  assert.equal(stall.answered(), 0, 'precondition: no request in flight through the stall should be answered')
  assert.equal(stall.failed(), stall.inFlight())
  assert.equal(resolved.peerId, target.peerId.toString())
  assert.ok(resolved.hops > 0, 'answered by DHT peers, not from a local copy')
})

test('a PeerId is found although the first walk of its lookup got no answer (event-loop stall)', async (t) => {
  const net = await testnet(5, t, { config: () => ({ dht: { queryTimeoutMs: LOOKUP_TIMEOUT_MS } }) })
  const [asker, target] = [net.nodes[2], net.nodes[4]]
  await waitFor('the asker to know DHT peers', () => asker.status().dht.state === 'ok', 30_000, 200)
  const stall = stallOnce(asker)
  const found = await findPeer(asker.libp2p, target.peerId, LOOKUP_TIMEOUT_MS)
  assert.ok(stall.stalled() && stall.inFlight() > 0, 'the lookup should have sent requests')
  assert.equal(stall.answered(), 0, 'precondition: no request in flight through the stall should be answered')
  assert.equal(stall.failed(), stall.inFlight())
  assert.ok(found.multiaddrs.length > 0)
})

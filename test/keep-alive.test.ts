// Keep-alive pings on real nodes over 127.0.0.1, counted (never timed): one side of a connection
// pings it, not both (issue 21: idle cost), and the silent side still takes over when the pinging
// side stops.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AgentNode } from '../src/agent-node.ts'
import { testnet, waitFor } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { PING_PROTOCOL } from '../src/node/constants.ts'

test.after(async () => { await removeTempDirs() })

/** The shortest interval the config allows, in ms: a test waits a few of these. */
const INTERVAL_MS = 1_000

/**
 * Count ping streams each of two nodes opens on the connection between them, by the opener's peer id.
 * libp2p's Connection defines newStream per instance, so each side's connection object is wrapped.
 */
function countPings (a: AgentNode, b: AgentNode, t: { after: (fn: () => void) => void }): Map<string, number> {
  const sentBy = new Map<string, number>()
  for (const [self, other] of [[a, b], [b, a]]) {
    const conns = self.libp2p.getConnections(other.peerId)
    assert.equal(conns.length, 1, 'one connection between the two nodes')
    const conn = conns[0]
    const newStream = conn.newStream.bind(conn)
    const by = self.peerId.toString()
    conn.newStream = async (protocols, options) => {
      if (protocols === PING_PROTOCOL || (Array.isArray(protocols) && protocols.includes(PING_PROTOCOL))) sentBy.set(by, (sentBy.get(by) ?? 0) + 1)
      return await newStream(protocols, options)
    }
    const original = Object.getOwnPropertyDescriptor(conn, 'newStream')
    t.after(() => { if (original != null) Object.defineProperty(conn, 'newStream', original) })
  }
  return sentBy
}

test('only one side of an idle connection pings it', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS } }) })
  const [a, b] = net.nodes
  const sentBy = countPings(a, b, t)
  const byA = (): number => sentBy.get(a.peerId.toString()) ?? 0
  const byB = (): number => sentBy.get(b.peerId.toString()) ?? 0
  // Six intervals' worth of pings from the busier side.
  await waitFor('six keep-alive pings on the connection', () => Math.max(byA(), byB()) >= 6, 30_000)
  t.diagnostic(`pings sent by a: ${byA()}, by b: ${byB()}`)
  // The quieter side pinged once, to learn the rtt, and again only when the other's ping came late
  // (a loaded host); libp2p's monitor had both sides ping every interval (6 and 6 here).
  assert.ok(Math.min(byA(), byB()) * 2 <= Math.max(byA(), byB()), `both sides kept pinging: a sent ${byA()}, b sent ${byB()}`)
  assert.equal(a.libp2p.getConnections(b.peerId).length, 1, 'the connection stays open')
})

test('keepAlive.bothSides: true pings from both ends, as libp2p does', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS, bothSides: true } }) })
  const [a, b] = net.nodes
  const sentBy = countPings(a, b, t)
  await waitFor('both sides to ping four times', () => (sentBy.get(a.peerId.toString()) ?? 0) >= 4 && (sentBy.get(b.peerId.toString()) ?? 0) >= 4, 30_000)
})

test('when the pinging side goes quiet, the other side pings again', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS } }) })
  const [a, b] = net.nodes
  const sentBy = countPings(a, b, t)
  const sent = (by: AgentNode): number => sentBy.get(by.peerId.toString()) ?? 0
  await waitFor('one side to settle as the pinger', () => Math.max(sent(a), sent(b)) >= 4, 30_000)
  const [pinger, quiet] = sent(a) > sent(b) ? [a, b] : [b, a]
  const quietBefore = sent(quiet)
  // The pinger's node stops pinging (its keeper is the only pinger; libp2p's monitor is off) but its
  // connection stays up and answers: the quiet side must notice the silence and ping by itself.
  pinger.libp2p.services.keepAlive.stop()
  await waitFor('the quiet side to ping again', () => sent(quiet) >= quietBefore + 2, 30_000)
  assert.equal(quiet.libp2p.getConnections(pinger.peerId).length, 1, 'the connection stays open: the pinger still answers')
})

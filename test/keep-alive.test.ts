// Keep-alive pings on real nodes over 127.0.0.1, counted (never timed): one side of a connection
// pings it, not both (issue 21: idle cost), and the silent side still takes over when the pinging
// side stops.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Connection } from '@libp2p/interface'
import { testnet, waitFor } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { PING_PROTOCOL } from '../src/node/constants.ts'

test.after(async () => { await removeTempDirs() })

/** The shortest interval the config allows, in ms: a test waits a few of these. */
const INTERVAL_MS = 1_000

/**
 * Count ping streams each node opens, by the node that opened them: every connection object of every
 * node in this process shares one class, so its newStream is wrapped once; a connection's opener is
 * the node whose peer is not `remotePeer`.
 */
function countPings (conn: Connection, t: { after: (fn: () => void) => void }): Map<string, number> {
  const sentTo = new Map<string, number>()
  const proto = Object.getPrototypeOf(conn) as { newStream: (this: Connection, protocols: string | string[], ...rest: unknown[]) => Promise<unknown> }
  const newStream = proto.newStream
  proto.newStream = async function (this: Connection, protocols: string | string[], ...rest: unknown[]) {
    if (protocols === PING_PROTOCOL || (Array.isArray(protocols) && protocols.includes(PING_PROTOCOL))) {
      const to = this.remotePeer.toString()
      sentTo.set(to, (sentTo.get(to) ?? 0) + 1)
    }
    return await newStream.call(this, protocols, ...rest)
  }
  t.after(() => { proto.newStream = newStream })
  return sentTo
}

test('only one side of an idle connection pings it', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS } }) })
  const [a, b] = net.nodes
  const sentTo = countPings(a.libp2p.getConnections()[0], t)
  const byA = (): number => sentTo.get(b.peerId.toString()) ?? 0
  const byB = (): number => sentTo.get(a.peerId.toString()) ?? 0
  // Six intervals' worth of pings from the busier side.
  await waitFor('six keep-alive pings on the connection', () => Math.max(byA(), byB()) >= 6, 30_000)
  t.diagnostic(`pings sent by a: ${byA()}, by b: ${byB()}`)
  // The quieter side pinged once, to learn the rtt, and at most once more when its timer beat the
  // other's first ping; libp2p's monitor had both sides ping every interval.
  assert.ok(Math.min(byA(), byB()) <= 2, `both sides kept pinging: a sent ${byA()}, b sent ${byB()}`)
  assert.equal(a.libp2p.getConnections(b.peerId).length, 1, 'the connection stays open')
})

test('keepAlive.bothSides: true pings from both ends, as libp2p does', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS, bothSides: true } }) })
  const [a, b] = net.nodes
  const sentTo = countPings(a.libp2p.getConnections()[0], t)
  await waitFor('both sides to ping four times', () => (sentTo.get(b.peerId.toString()) ?? 0) >= 4 && (sentTo.get(a.peerId.toString()) ?? 0) >= 4, 30_000)
})

test('when the pinging side goes quiet, the other side pings again', async (t) => {
  const net = await testnet(2, t, { config: () => ({ keepAlive: { intervalMs: INTERVAL_MS } }) })
  const [a, b] = net.nodes
  const sentTo = countPings(a.libp2p.getConnections()[0], t)
  const sent = (by: typeof a): number => sentTo.get((by === a ? b : a).peerId.toString()) ?? 0
  await waitFor('one side to settle as the pinger', () => Math.max(sent(a), sent(b)) >= 4, 30_000)
  const [pinger, quiet] = sent(a) > sent(b) ? [a, b] : [b, a]
  const quietBefore = sent(quiet)
  // The pinger's node stops pinging (its keeper is the only pinger; libp2p's monitor is off) but its
  // connection stays up and answers: the quiet side must notice the silence and ping by itself.
  pinger.libp2p.services.keepAlive.stop()
  await waitFor('the quiet side to ping again', () => sent(quiet) >= quietBefore + 2, 30_000)
  assert.equal(quiet.libp2p.getConnections(pinger.peerId).length, 1, 'the connection stays open: the pinger still answers')
})

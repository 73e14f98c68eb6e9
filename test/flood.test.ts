// Floods from authenticated peers: calls, bare streams and handshake requests as fast as a peer can
// send them. The flooder is throttled, then disconnected and reported in the audit log, and kept out
// for its ban; an honest peer calling the same node all along keeps being served.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { readAuditEntries } from '../src/audit/index.ts'
import { PeerGuard } from '../src/guard/index.ts'
import { A2A_PROTOCOL } from '../src/a2a/index.ts'
import { HANDSHAKE_PROTOCOL, signHandshake } from '../src/trust/index.ts'
import { jsonStream } from '../src/node/json-stream.ts'
import { anyFrameSchema } from '../src/node/frames.ts'
import type { AgentNode } from '../src/agent-node.ts'

/** Most requests a flooder sends before the test gives up on seeing it disconnected. */
const FLOOD_CAP = 3_000
const FLOOD_DEADLINE_MS = 30_000
/**
 * Refusals that throttle a call flood, whichever limit a loaded machine hits first: the guard's
 * request rate and streams in progress, or the A2A handler's concurrent calls per peer.
 */
const CALL_THROTTLES = ['RATE_LIMITED', 'TOO_MANY_STREAMS', 'TOO_MANY_CALLS']

let net: Testnet
before(async () => {
  // 0 is the victim (open policy, example agent); 1 is honest; 2, 3, 4 flood in different ways.
  net = await testnet(5, { config: i => (i === 0 ? { trust: { policy: 'open' as const }, a2a: { exampleAgent: true } } : {}) })
})
after(async () => {
  await net.stop()
  await removeTempDirs()
})

function connected (a: AgentNode, b: AgentNode): boolean {
  return a.libp2p.getConnections(b.peerId).some(c => c.status === 'open')
}

async function disconnectedEvent (victim: AgentNode, attacker: AgentNode): Promise<any> {
  return (await readAuditEntries(victim.config.dataDir, { peer: attacker.peerId.toString() })).find(e => e.event === 'guard.disconnected')
}

/** Run `flood` from `workers` loops until the attacker is cut off, the cap or the deadline. */
async function floodUntilCut (victim: AgentNode, attacker: AgentNode, workers: number, flood: () => Promise<unknown>): Promise<{ sent: number, refused: Map<string, number> }> {
  let sent = 0
  const refused = new Map<string, number>()
  const until = Date.now() + FLOOD_DEADLINE_MS
  const banned = (): boolean => victim.trust.guard.isBanned(attacker.peerId.toString())
  await Promise.all(Array.from({ length: workers }, async () => {
    while (!banned() && sent < FLOOD_CAP && Date.now() < until) {
      sent++
      try {
        await flood()
      } catch (err: any) {
        refused.set(err.code ?? err.name, (refused.get(err.code ?? err.name) ?? 0) + 1)
      }
    }
  }))
  return { sent, refused }
}

/** Honest calls, one after another, while `during` runs; every one must succeed. */
async function honestCallsDuring (victim: AgentNode, honest: AgentNode, during: Promise<unknown>, max = 30): Promise<number> {
  let done = false
  void during.finally(() => { done = true })
  let ok = 0
  for (let i = 0; i < max && (!done || i < 3); i++) { // eslint-disable-line no-unmodified-loop-condition -- `done` is set by `during`
    const { result } = await honest.a2a.send(victim.peerId.toString(), `honest question ${i}. answered?`) as any
    assert.ok(result != null, 'the honest call was answered')
    ok++
  }
  await during
  return ok
}

test('a peer calling as fast as it can is throttled, disconnected and reported; an honest peer is served throughout', async () => {
  const [victim, honest, attacker] = net.nodes
  const flood = floodUntilCut(victim, attacker, 16, async () => await attacker.a2a.send(victim.peerId.toString(), 'ping'))
  const honestOk = await honestCallsDuring(victim, honest, flood)
  const { sent, refused } = await flood
  assert.ok(victim.trust.guard.isBanned(attacker.peerId.toString()), `the flooder was disconnected (sent ${sent}, refused ${JSON.stringify([...refused])})`)
  assert.ok(CALL_THROTTLES.some(code => (refused.get(code) ?? 0) > 0), `the flooder was throttled first: ${JSON.stringify([...refused])}`)
  assert.ok(honestOk >= 3)
  const event = await waitFor('the disconnection in the audit log', async () => await disconnectedEvent(victim, attacker))
  assert.ok(CALL_THROTTLES.includes(event.reason), event.reason)
  await waitFor('the flooder\'s connection to close', () => !connected(victim, attacker))
  // Coming back during the ban: the victim hangs up again.
  await attacker.connect(victim.addresses()[0]).catch(() => {})
  await waitFor('the banned peer to be hung up on again', () => !connected(victim, attacker))
  const { result } = await honest.a2a.send(victim.peerId.toString(), 'still there?') as any
  assert.ok(result != null, 'the honest peer is still served after the flood')
})

test('a peer opening bare streams as fast as it can (sending nothing) is throttled and disconnected', async () => {
  const [victim, honest, , attacker] = net.nodes
  const held: any[] = []
  const flood = floodUntilCut(victim, attacker, 8, async () => {
    const stream = await attacker.libp2p.dialProtocol(victim.peerId, A2A_PROTOCOL)
    held.push(stream) // never written to, never closed: each one holds a slot until the victim gives up
  })
  await honestCallsDuring(victim, honest, flood, 10)
  await flood
  for (const s of held) s.abort(new Error('test over'))
  assert.ok(victim.trust.guard.isBanned(attacker.peerId.toString()), 'the stream flooder was disconnected')
  assert.ok(await waitFor('the disconnection in the audit log', async () => await disconnectedEvent(victim, attacker)))
  await waitFor('the flooder\'s connection to close', () => !connected(victim, attacker))
})

test('a peer sending handshake requests as fast as it can is limited to a few a minute, then disconnected', async () => {
  const [victim, honest, , , attacker] = net.nodes
  let answered = 0
  const flood = floodUntilCut(victim, attacker, 4, async () => {
    const stream = await attacker.libp2p.dialProtocol(victim.peerId, HANDSHAKE_PROTOCOL)
    const framed = jsonStream(stream, { maxBytes: 4096 })
    await framed.write(await signHandshake(attacker.key, { kind: 'request', from: attacker.peerId.toString(), to: victim.peerId.toString(), reason: 'again' }))
    const reply: any = await framed.read(anyFrameSchema)
    await stream.close().catch(() => {})
    if (reply?.error != null) throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
    answered++
  })
  await honestCallsDuring(victim, honest, flood, 10)
  const { refused } = await flood
  assert.ok(answered <= victim.trust.guard.limits.handshakeBurst + 1, `at most the burst was answered (${answered})`)
  assert.ok((refused.get('RATE_LIMITED') ?? 0) > 0)
  assert.ok(victim.trust.guard.isBanned(attacker.peerId.toString()), 'the handshake flooder was disconnected')
  assert.ok(await waitFor('the disconnection in the audit log', async () => await disconnectedEvent(victim, attacker)))
  // The flood left at most one pending request for the operator, not thousands.
  assert.ok(victim.trust.pending().length <= 1)
})

test('the guard: per-peer in-progress cap, global cap on pending work (no strike), strikes to disconnection, pardon', async () => {
  const hungUp: string[] = []
  const reported: string[] = []
  const guard = new PeerGuard({ hangUp: async p => { hungUp.push(p) }, report: async (e, f) => { reported.push(`${e}:${String(f.peer)}`) } },
    { maxStreamsPerPeer: 2, maxPendingStreams: 3, strikeThreshold: 3, streamBurst: 100, streamsPerSecond: 100 })
  const a1 = guard.admit('a')
  guard.admit('a')
  assert.throws(() => guard.admit('a'), { code: 'TOO_MANY_STREAMS' })
  a1.release()
  a1.release() // idempotent
  guard.admit('a')
  guard.admit('b')
  assert.throws(() => guard.admit('c'), { code: 'BUSY' })
  assert.equal(guard.isBanned('c'), false, 'the global cap is not the peer\'s fault')
  // Strikes fade with time (10 a minute), so three in a row count three only at one instant: give
  // them the same clock, or a loaded machine lets a little fade between calls and this is flaky.
  const now = Date.now()
  assert.equal(guard.strike('c', 'BAD_FRAME', now), false)
  assert.equal(guard.strike('c', 'BAD_FRAME', now), false)
  assert.equal(guard.strike('c', 'BAD_FRAME', now), true)
  assert.ok(guard.isBanned('c'))
  assert.deepEqual(hungUp, ['c'])
  assert.deepEqual(reported, ['guard.disconnected:c'])
  assert.throws(() => guard.admit('c'), { code: 'PEER_BANNED' })
  guard.pardon('c')
  assert.equal(guard.isBanned('c'), false)
  // Strikes fade: 10 a minute by default, so two strikes a minute apart never add up.
  const t = now
  const slow = new PeerGuard({ hangUp: async () => {}, report: async () => {} }, { strikeThreshold: 3 })
  for (let i = 0; i < 10; i++) assert.equal(slow.strike('d', 'BAD_FRAME', t + i * 60_000), false)
  assert.equal(guard.stats().rejections.BAD_FRAME, 3)
})

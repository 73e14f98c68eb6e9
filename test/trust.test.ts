// The trust handshake and the gate, on real nodes over real TCP. Each test runs on a network of its
// own (testnet(n, t)), so none depends on what another test did to the nodes.
import { test, after, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { testnet, waitFor, type TestnetOptions } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { jsonStream } from '../src/node/json-stream.ts'
import { anyFrameSchema } from '../src/node/frames.ts'
import { signHandshake, HANDSHAKE_PROTOCOL, type SignedHandshake } from '../src/trust/index.ts'
import type { AgentNode } from '../src/agent-node.ts'

const ECHO = '/agentwire-test/echo/1.0.0'

/** `n` fresh nodes for this test only, each serving a gated echo protocol. */
async function echoNet (n: number, t: TestContext, options: TestnetOptions = {}): Promise<AgentNode[]> {
  const net = await testnet(n, t, options)
  for (const node of net.nodes) {
    await node.trust.gate.handle(ECHO, async stream => {
      const framed = jsonStream(stream, { maxBytes: 1024 })
      await framed.write({ echo: await framed.read(anyFrameSchema) })
      await stream.close()
    }, { maxInboundStreams: 8 })
  }
  return net.nodes
}

/** A asks, B approves, both see it. */
async function approve (a: AgentNode, b: AgentNode): Promise<void> {
  await a.trust.request(b.peerId.toString(), 'test')
  await b.trust.approve(a.peerId.toString())
  await waitFor('mutual trust', () => a.trust.isAllowed(b.peerId.toString()) && b.trust.isAllowed(a.peerId.toString()))
}

after(async () => {
  await removeTempDirs()
})

async function echo (from: AgentNode, to: AgentNode): Promise<any> {
  const stream = await from.libp2p.dialProtocol(to.peerId, ECHO)
  const framed = jsonStream(stream, { maxBytes: 1024 })
  await framed.write({ hello: 'world' })
  const reply = await framed.read(anyFrameSchema)
  await stream.close().catch(() => {})
  return reply
}

/** Send one raw handshake frame as `from` and return the reply frame. */
async function sendRaw (from: AgentNode, to: AgentNode, frame: unknown): Promise<any> {
  const stream = await from.libp2p.dialProtocol(to.peerId, HANDSHAKE_PROTOCOL)
  const framed = jsonStream(stream, { maxBytes: 64 * 1024 })
  await framed.write(frame)
  const reply = await framed.read(anyFrameSchema)
  await stream.close().catch(() => {})
  return reply
}

test('a peer that is not approved is refused with an error that says how to ask', async (t) => {
  const [a, b] = await echoNet(2, t)
  const reply = await echo(a, b)
  assert.equal(reply.error.code, 'NOT_TRUSTED')
  assert.match(reply.error.message, /is not trusted/)
  assert.match(reply.error.hint, new RegExp(`agentwire trust request ${b.peerId.toString()}`))
  const refused = (await (await import('../src/audit/index.ts')).readAuditEntries(b.config.dataDir, { peer: a.peerId.toString() })).filter(e => e.event === 'gate.refused')
  assert.ok(refused.length >= 1, 'the refusal is audited')
})

test('A requests, B approves: mutual trust, and the gated protocol works', async (t) => {
  const [a, b] = await echoNet(2, t)
  const requested = await a.trust.request(b.peerId.toString(), 'summaries for the research team')
  assert.equal(requested.state, 'requested')
  const pending = b.trust.pending()
  assert.equal(pending.length, 1)
  assert.equal(pending[0].peerId, a.peerId.toString())
  assert.equal(pending[0].reason, 'summaries for the research team')
  const approved = await b.trust.approve(a.peerId.toString())
  assert.equal(approved.state, 'mutual')
  // The answer reaches A when it is made.
  await waitFor('A to hear the approval', () => a.trust.list().find(e => e.peerId === b.peerId.toString())?.mutual === true)
  assert.deepEqual(await echo(a, b), { echo: { hello: 'world' } })
  assert.deepEqual(await echo(b, a), { echo: { hello: 'world' } })
})

test('revoke refuses at once and closes the connection', async (t) => {
  const [a, b] = await echoNet(2, t)
  await approve(a, b)
  assert.deepEqual(await echo(a, b), { echo: { hello: 'world' } })
  const revoked = await b.trust.revoke(a.peerId.toString())
  assert.equal(revoked.state, 'revoked')
  assert.ok(revoked.connectionsClosed >= 1)
  // The closed connection may still be draining on A's side; a fresh call is refused.
  const refused = await waitFor('a fresh call to be answered', async () => await echo(a, b))
  assert.equal(refused.error.code, 'NOT_TRUSTED')
  await waitFor('A to hear of the revocation', () => a.trust.list().find(e => e.peerId === b.peerId.toString())?.state === 'refused-by-peer')
})

test('a rejected request is reported back to the requester', async (t) => {
  const [a, c] = await echoNet(2, t)
  await a.trust.request(c.peerId.toString(), undefined)
  const rejected = await c.trust.reject(a.peerId.toString())
  assert.equal(rejected.state, 'rejected')
  await waitFor('the rejection to arrive', () => a.trust.list().find(e => e.peerId === c.peerId.toString())?.state === 'refused-by-peer')
  assert.equal((await echo(a, c)).error.code, 'NOT_TRUSTED')
})

test('policy open admits anyone; autoApprove admits a fleet\'s own nodes', async (t) => {
  const [stranger, open, fleet] = await echoNet(3, t, { config: i => (i === 1 ? { trust: { policy: 'open' as const } } : {}) })
  assert.deepEqual(await echo(stranger, open), { echo: { hello: 'world' } })
  assert.equal(open.trust.isAllowed(stranger.peerId.toString()), true)
  // A mutual-policy node refuses the same stranger (the control for the two admissions here).
  assert.equal((await echo(stranger, fleet)).error.code, 'NOT_TRUSTED')
})

test('a replayed request is refused', async (t) => {
  const [a, b] = await echoNet(2, t)
  const message = await signHandshake(a.key, { kind: 'request', from: a.peerId.toString(), to: b.peerId.toString(), reason: 'once' })
  assert.equal((await sendRaw(a, b, message)).ok, true)
  const replay = await sendRaw(a, b, message)
  assert.equal(replay.error.code, 'REPLAYED_MESSAGE')
})

test('forged, misdirected, stale and malformed handshakes are refused and audited', async (t) => {
  const [b, a, other] = await echoNet(3, t)
  const stranger: PrivateKey = await generateKeyPair('Ed25519')
  const from = a.peerId.toString()
  const to = b.peerId.toString()
  // Signed by a key that is not `from`'s.
  const forged: SignedHandshake = await signHandshake(stranger, { kind: 'request', from, to })
  assert.equal((await sendRaw(a, b, forged)).error.code, 'BAD_SIGNATURE')
  // Correctly signed by A, but relayed by someone else: `from` is not the connection's PeerId.
  const relayed = await signHandshake(a.key, { kind: 'request', from, to })
  assert.equal((await sendRaw(other, b, relayed)).error.code, 'WRONG_SENDER')
  // Addressed to another node.
  const misdirected = await signHandshake(a.key, { kind: 'request', from, to: other.peerId.toString() })
  assert.equal((await sendRaw(a, b, misdirected)).error.code, 'WRONG_RECIPIENT')
  // A timestamp changed after signing (to slip a replay past the window) breaks the signature.
  const tampered = await signHandshake(a.key, { kind: 'request', from, to })
  tampered.body.ts -= 60 * 60 * 1000
  assert.equal((await sendRaw(a, b, tampered)).error.code, 'BAD_SIGNATURE')
  // Malformed and too-long input.
  assert.equal((await sendRaw(a, b, { nonsense: true })).error.code, 'BAD_HANDSHAKE')
  const wordy = await signHandshake(a.key, { kind: 'request', from, to, reason: 'x'.repeat(281) })
  assert.equal((await sendRaw(a, b, wordy)).error.code, 'REASON_TOO_LONG')
  // Audited summarised: the first refusal of each sender at once, the rest counted by code.
  await b.trust.flushRefusals()
  const entries = await (await import('../src/audit/index.ts')).readAuditEntries(b.config.dataDir)
  const first = entries.filter(e => e.event === 'handshake.refused' && e.peer === from)
  assert.ok(first.length >= 1, 'the first refusal is audited at once')
  const counted = entries.filter(e => e.event === 'handshake.refused.summary' && e.peer === from).reduce((n, e) => n + (e.more as number), 0)
  assert.ok(first.length + counted >= 5, `refusals audited (${first.length} lines, ${counted} counted)`)
})

test('a message whose timestamp is outside the clock window is refused as stale', async (t) => {
  const [a, b] = await echoNet(2, t)
  const { signHandshake: sign } = await import('../src/trust/messages.ts')
  const realNow = Date.now
  Date.now = () => realNow() - 60 * 60 * 1000 // sign as if an hour ago
  let stale: SignedHandshake
  try { stale = await sign(a.key, { kind: 'request', from: a.peerId.toString(), to: b.peerId.toString() }) } finally { Date.now = realNow }
  assert.equal((await sendRaw(a, b, stale)).error.code, 'STALE_MESSAGE')
})

test('an oversized frame is refused without a crash, and the node keeps serving', async (t) => {
  const [a, b] = await echoNet(2, t)
  const stream = await a.libp2p.dialProtocol(b.peerId, HANDSHAKE_PROTOCOL)
  const framed = jsonStream(stream, { maxBytes: 1024 * 1024 })
  await framed.write({ padding: 'x'.repeat(100_000) })
  const reply = await framed.read(anyFrameSchema).catch(() => undefined) as any
  assert.ok(reply == null || reply.error?.code === 'BAD_FRAME', JSON.stringify(reply))
  // Still answering honest traffic.
  const ok = await signHandshake(a.key, { kind: 'request', from: a.peerId.toString(), to: b.peerId.toString() })
  assert.equal((await sendRaw(a, b, ok)).ok, true)
})

test('a flood of handshake messages from one peer is rate-limited', async (t) => {
  const [a, b] = await echoNet(2, t)
  const codes: string[] = []
  for (let i = 0; i < 12; i++) {
    const m = await signHandshake(a.key, { kind: 'approve', from: a.peerId.toString(), to: b.peerId.toString() })
    const reply = await sendRaw(a, b, m)
    codes.push(reply.ok === true ? 'ok' : reply.error.code)
  }
  assert.ok(codes.includes('RATE_LIMITED'), codes.join(','))
  assert.ok(codes.filter(c => c === 'ok').length <= 6, codes.join(','))
})

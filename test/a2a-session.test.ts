// The A2A session on real nodes: many calls over one stream per connection, each admitted and checked
// exactly like a call on its own stream (gate, trust, guard limits, envelope, replay, audit), with
// credit-based back-pressure, cancellation, reconnection without running a call twice, and
// interop with a node that speaks only the one-stream-per-call binding, both ways.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { jsonStream } from '../src/node/json-stream.ts'
import { anyFrameSchema } from '../src/node/frames.ts'
import { signEnvelope, A2A_PROTOCOL, type Envelope } from '../src/a2a/index.ts'
import { A2A_SESSION_PROTOCOL, A2ASession } from '../src/a2a/session/index.ts'
import { sessionWire } from '../src/a2a/session/wire.ts'
import { readAuditEntries } from '../src/audit/index.ts'
import type { AgentNode } from '../src/agent-node.ts'

let net: Testnet
// Roles: 0 caller A, 1 example agent B (3 calls per peer), 2 legacy node L (stream binding only, example agent),
// 3 stranger C (never approved), 4 caller D (approved, then rejected while its session is open).
let A: AgentNode, B: AgentNode, L: AgentNode, C: AgentNode, D: AgentNode

before(async () => {
  net = await testnet(5, {
    config: i => i === 1
      ? { a2a: { exampleAgent: true, maxCallsPerPeer: 3 } }
      : i === 2 ? { a2a: { exampleAgent: true, sessions: false } } : {}
  })
  ;[A, B, L, C, D] = net.nodes
  await net.trust(A, B)
  await net.trust(A, L)
  await net.trust(L, B)
  await net.trust(D, B)
})
after(async () => {
  await net.stop()
  await removeTempDirs()
})

const message = (text: string): unknown => ({ message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }] } })
const body = (method: string, params: unknown): string => JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params })

async function send (from: AgentNode, to: AgentNode, text: string): Promise<any> {
  return (await from.a2a.send(to.peerId.toString(), text)).result
}

/** Streams of `protocol` open between two nodes, seen from `from`. */
function streamsOf (from: AgentNode, to: AgentNode, protocol: string): Stream[] {
  return from.libp2p.getConnections(to.peerId).flatMap(c => c.streams).filter(s => s.protocol === protocol && s.status === 'open')
}

async function audited (node: AgentNode, event: string): Promise<any[]> {
  return (await readAuditEntries(node.config.dataDir)).filter(e => e.event === event)
}

/** A session opened by hand, to send exactly the frames a test needs. */
async function rawSession (from: AgentNode, to: AgentNode): Promise<{
  call: (rid: number, text: string, options?: { method?: string, credit?: number, envelope?: Envelope, requestBody?: string }) => Promise<Envelope>
  write: (frame: unknown) => Promise<void>
  next: (rid: number) => Promise<any>
  received: (rid: number) => any[]
  sessionError: () => any
  close: () => Promise<void>
}> {
  const stream = await from.libp2p.dialProtocol(to.peerId, A2A_SESSION_PROTOCOL)
  const frames = new Map<number, any[]>()
  let sessionError: any
  const wire = sessionWire(stream, {
    maxBytes: 1024 * 1024,
    onFrame: (value: any) => {
      if (typeof value.rid !== 'number') { sessionError = value.error; return }
      const list = frames.get(value.rid) ?? []
      list.push(value)
      frames.set(value.rid, list)
    },
    onClose: () => {}
  })
  let taken = new Map<number, number>()
  return {
    call: async (rid, text, options = {}) => {
      const requestBody = options.requestBody ?? body(options.method ?? 'SendMessage', message(text))
      const envelope = options.envelope ?? await signEnvelope(from.key, from.peerId.toString(), to.peerId.toString(), requestBody)
      await wire.write({ rid, envelope, body: requestBody, credit: options.credit ?? 16 })
      return envelope
    },
    write: async frame => { await wire.write(frame) },
    next: async rid => await waitFor(`frame ${(taken.get(rid) ?? 0) + 1} of request ${rid}`, () => {
      const at = taken.get(rid) ?? 0
      const f = frames.get(rid)?.[at]
      if (f != null) taken.set(rid, at + 1)
      return f
    }),
    received: rid => frames.get(rid) ?? [],
    sessionError: () => sessionError,
    // A reset, not a half-close: calls still open (held by credit) end with it.
    close: async () => { taken = new Map(); stream.abort(new Error('test done')) }
  }
}

test('an agentwire caller carries its calls to a peer on one session stream, and each call is audited', async () => {
  const before = (await audited(B, 'a2a.call')).length
  const results = await Promise.all(Array.from({ length: 3 }, async () => await send(A, B, 'ping')))
  for (const r of results) assert.equal(r.message.parts[0].text, 'pong')
  for (let i = 0; i < 7; i++) assert.equal((await send(A, B, 'ping')).message.parts[0].text, 'pong')
  assert.equal(streamsOf(A, B, A2A_SESSION_PROTOCOL).length, 1, 'one session carries every call')
  const calls = (await audited(B, 'a2a.call')).slice(before)
  assert.equal(calls.length, 10, 'one audit line per call')
  assert.equal(new Set(calls.map(c => c.envelope.nonce)).size, 10, 'each with its own signed envelope')
  assert.ok(calls.every(c => c.peer === A.peerId.toString() && c.method === 'SendMessage'))
})

test('a replayed envelope is refused on the session, whichever path carried it first', async () => {
  const s = await rawSession(A, B)
  try {
    const getTask = body('GetTask', { id: 'no-such-task' })
    const envelope = await s.call(1, '', { requestBody: getTask })
    assert.equal((await s.next(1)).frame.error.code, -32001, 'the first delivery is answered')
    await s.call(2, '', { requestBody: getTask, envelope })
    const replay = await s.next(2)
    assert.equal(replay.frame.error.code, 'REPLAYED_MESSAGE')
    assert.equal(replay.end, true)
    // An envelope first carried on its own stream cannot be replayed on a session, nor the reverse.
    const other = await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), getTask)
    const stream = await A.libp2p.dialProtocol(B.peerId, A2A_PROTOCOL)
    const framed = jsonStream(stream, { maxBytes: 1024 * 1024 })
    await framed.write({ envelope: other, body: getTask })
    assert.equal(((await framed.read(anyFrameSchema)) as any)?.error.code, -32001)
    await s.call(3, '', { requestBody: getTask, envelope: other })
    assert.equal((await s.next(3)).frame.error.code, 'REPLAYED_MESSAGE')
    const stream2 = await A.libp2p.dialProtocol(B.peerId, A2A_PROTOCOL)
    const framed2 = jsonStream(stream2, { maxBytes: 1024 * 1024 })
    await framed2.write({ envelope, body: getTask })
    assert.equal(((await framed2.read(anyFrameSchema)) as any)?.error.code, 'REPLAYED_MESSAGE')
    // The other calls on the session go on.
    await s.call(4, 'ping')
    assert.equal((await s.next(4)).frame.result.message.parts[0].text, 'pong')
    const refused = (await audited(B, 'a2a.refused')).filter(e => e.code === 'REPLAYED_MESSAGE')
    assert.ok(refused.length >= 3, 'each replay is audited')
  } finally {
    await s.close()
  }
})

test('a peer that is not approved is refused, and trust withdrawn mid-session refuses the next call on it', async () => {
  await assert.rejects(send(C, B, 'let me in'), (err: any) => err.code === 'NOT_TRUSTED' && /trust request/.test(err.hint))
  const stranger = await rawSession(C, B)
  await stranger.call(1, 'ping')
  await waitFor('the session refused', () => stranger.sessionError())
  assert.equal(stranger.sessionError().code, 'NOT_TRUSTED')
  assert.equal(stranger.received(1).length, 0, 'no call on a refused session is answered')

  assert.equal((await send(D, B, 'ping')).message.parts[0].text, 'pong')
  assert.equal(streamsOf(D, B, A2A_SESSION_PROTOCOL).length, 1)
  await B.trust.reject(D.peerId.toString())
  await assert.rejects(send(D, B, 'ping'), (err: any) => err.code === 'NOT_TRUSTED')
})

test('the guard\'s per-peer cap and a2a.maxCallsPerPeer apply per call on a session; credit bounds what is sent; cancel frees the call', async () => {
  const s = await rawSession(A, B)
  B.trust.guard.configure({ maxStreamsPerPeer: 2 })
  try {
    // Streaming calls that would send several frames, granted one frame each: they stay open.
    await s.call(1, 'slow one', { method: 'SendStreamingMessage', credit: 1 })
    await s.call(2, 'slow two', { method: 'SendStreamingMessage', credit: 1 })
    assert.ok((await s.next(1)).frame.result.task != null)
    assert.ok((await s.next(2)).frame.result.task != null)
    await s.call(3, 'slow three', { method: 'SendStreamingMessage', credit: 1 })
    const third = await s.next(3)
    assert.equal(third.frame.error.code, 'TOO_MANY_STREAMS', 'the guard counts each call on a session as a request in progress')
    // Credit: call 1 was granted one frame and gets no second one until it grants more. The agent
    // emits a frame every 500 ms, so a callee that ignored credit would have sent more by now.
    await new Promise(resolve => setTimeout(resolve, 1500))
    assert.equal(s.received(1).length, 1, 'no frame beyond the credit granted')
    await s.write({ rid: 1, credit: 2 })
    await s.next(1)
    await s.next(1)
    // Cancel both: their slots come free, so two new calls fit again.
    await s.write({ rid: 1, cancel: true })
    await s.write({ rid: 2, cancel: true })
    B.trust.guard.configure({ maxStreamsPerPeer: 32 })
    // a2a.maxCallsPerPeer is 3 on B: three calls held open, the fourth refused.
    let rid = 100 // request ids are never reused on a session
    await waitFor('the canceled calls to end', async () => {
      await s.call(++rid, 'slow a', { method: 'SendStreamingMessage', credit: 1 })
      return (await s.next(rid)).frame.error == null
    }, 10_000, 200)
    await s.call(11, 'slow b', { method: 'SendStreamingMessage', credit: 1 })
    await s.call(12, 'slow c', { method: 'SendStreamingMessage', credit: 1 })
    assert.ok((await s.next(11)).frame.result.task != null)
    assert.ok((await s.next(12)).frame.result.task != null)
    await s.call(13, 'slow d', { method: 'SendStreamingMessage', credit: 1 })
    assert.equal((await s.next(13)).frame.error.code, 'TOO_MANY_CALLS')
  } finally {
    B.trust.guard.configure({ maxStreamsPerPeer: 32 })
    B.trust.guard.pardon(A.peerId.toString())
    await s.close()
    // The reset ends the held calls at B as it arrives: wait until A may run calls there again.
    await waitFor('the held calls to end at B', async () => (await send(A, B, 'ping')).message.parts[0].text === 'pong')
  }
})

test('a node speaking only the stream binding works with a session node, both ways', async () => {
  assert.ok(!L.libp2p.getProtocols().includes(A2A_SESSION_PROTOCOL), 'the legacy node does not offer sessions')
  assert.ok(B.libp2p.getProtocols().includes(A2A_SESSION_PROTOCOL))
  assert.equal((await send(A, L, 'ping')).message.parts[0].text, 'pong', 'a session caller falls back to a stream per call')
  assert.equal((await send(A, L, 'Sessions fall back. Fine.')).task.status.state, 'TASK_STATE_COMPLETED')
  assert.equal((await send(L, B, 'ping')).message.parts[0].text, 'pong', 'an old caller is served on a stream per call')
  assert.equal(streamsOf(A, L, A2A_SESSION_PROTOCOL).length, 0)
  assert.equal(streamsOf(L, B, A2A_SESSION_PROTOCOL).length, 0)
  const fromL = (await audited(B, 'a2a.call')).filter(e => e.peer === L.peerId.toString())
  assert.equal(fromL.length, 1)
})

test('a call cut off with its session fails as interrupted and is not sent again; the next call opens a new session', async () => {
  assert.equal((await send(A, B, 'ping')).message.parts[0].text, 'pong')
  const before = (await audited(B, 'a2a.call')).length
  const answer = await A.a2a.caller.call(B.peerId.toString(), body('SendStreamingMessage', message('slow and cut')))
  assert.equal(answer.kind, 'stream')
  const frames = (answer as { frames: AsyncGenerator<any> }).frames
  assert.ok((await frames.next()).value.result.task != null)
  // The callee's side of the session dies (a crash of the stream, not of the node).
  for (const s of streamsOf(B, A, A2A_SESSION_PROTOCOL)) s.abort(new Error('test: session killed'))
  await assert.rejects(async () => { for (let f = await frames.next(); f.done !== true; f = await frames.next()); }, (err: any) => err.code === 'A2A_INTERRUPTED' && /GetTask/.test(err.hint))
  await waitFor('the dead session to be gone', () => streamsOf(A, B, A2A_SESSION_PROTOCOL).length === 0)
  assert.equal((await send(A, B, 'ping')).message.parts[0].text, 'pong', 'a new session carries the next call')
  const after = (await audited(B, 'a2a.call')).slice(before)
  assert.equal(after.filter(e => e.method === 'SendStreamingMessage').length, 1, 'the cut-off call ran once, never again')
  // The connection itself goes away: the next call dials again and opens a session on the new one.
  await A.libp2p.hangUp(B.peerId)
  assert.equal((await send(A, B, 'ping')).message.parts[0].text, 'pong')
  assert.equal(streamsOf(A, B, A2A_SESSION_PROTOCOL).length, 1)
})

test('a call on a session that already ended fails as undelivered, so the caller may send it again', async () => {
  const stream = await A.libp2p.dialProtocol(B.peerId, A2A_SESSION_PROTOCOL)
  const session = new A2ASession(stream, { peer: B.peerId.toString(), maxFrameBytes: 1024 * 1024 })
  const requestBody = body('SendMessage', message('ping'))
  const frame = { envelope: await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), requestBody), body: requestBody }
  const call = await session.call(frame, AbortSignal.timeout(10_000))
  assert.equal(((await call.read(AbortSignal.timeout(10_000))) as any).result.message.parts[0].text, 'pong')
  call.close()
  session.close()
  assert.equal(session.usable, false)
  const again = { envelope: await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), requestBody), body: requestBody }
  await assert.rejects(session.call(again, AbortSignal.timeout(10_000)), (err: any) => err.name === 'SessionCallError' && err.delivered === false && err.code === 'A2A_UNAVAILABLE')
  const audited = (await readAuditEntries(B.config.dataDir)).filter(e => e.event === 'a2a.call' && (e.envelope as { nonce?: string } | undefined)?.nonce === again.envelope.nonce)
  assert.equal(audited.length, 0, 'the undelivered request never reached the callee')
})

// A2A v1.0 over libp2p on real nodes: the MUST-level checks of the conformance kit, the gateway with
// the official SDK client, upstream forwarding to an SDK HTTP agent, envelopes, cards and the gate.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { AgentCard } from '@a2a-js/sdk'
import { ClientFactory } from '@a2a-js/sdk/client'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { jsonStream } from '../src/node/json-stream.ts'
import { anyFrameSchema } from '../src/node/frames.ts'
import { signEnvelope, signCard, verifyCard, A2A_PROTOCOL } from '../src/a2a/index.ts'
import { startExampleHttpAgent, type HttpAgent } from '../src/a2a/example-http-agent.ts'
import type { AgentNode } from '../src/agent-node.ts'

let net: Testnet
let upstream: HttpAgent
// Roles: 0 caller A, 1 example agent B, 2 second caller D, 3 stranger C (never approved), 4 node E fronting an HTTP agent.
let A: AgentNode, B: AgentNode, D: AgentNode, C: AgentNode, E: AgentNode

before(async () => {
  upstream = await startExampleHttpAgent({ name: 'upstream agent' })
  net = await testnet(5, {
    config: i => i === 1
      ? { a2a: { exampleAgent: true } }
      : i === 4
        ? { a2a: { upstream: upstream.url } }
        : i === 0
          ? { a2a: { gateway: { listen: '127.0.0.1:0' } } }
          : {}
  })
  ;[A, B, D, C, E] = net.nodes
  for (const caller of [A, D]) {
    for (const agent of [B, E]) {
      await caller.trust.request(agent.peerId.toString(), 'tests')
      await agent.trust.approve(caller.peerId.toString())
      await waitFor('mutual trust', () => caller.trust.isAllowed(agent.peerId.toString()))
    }
  }
})
after(async () => {
  await net.stop()
  await upstream.close()
  await removeTempDirs()
})

/** One raw JSON-RPC call; returns the response frames (one, or a stream's). */
async function rpc (from: AgentNode, to: AgentNode, method: string, params: unknown, version?: string): Promise<any[]> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params })
  const answer = await from.a2a.caller.call(to.peerId.toString(), body, version != null ? { version } : {})
  if (answer.kind === 'single') return [answer.response]
  const frames: any[] = []
  for await (const f of answer.frames) frames.push(f)
  return frames
}
const message = (text: string, extra: Record<string, unknown> = {}): any => ({ message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra } })
const TERMINAL = new Set(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED'])

test('SendMessage returns a task (or a message), in a JSON-RPC 2.0 envelope with the request id', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 'req-1', method: 'SendMessage', params: message('Agents talk over libp2p. They find each other by PeerId.') })
  const answer = await A.a2a.caller.call(B.peerId.toString(), body)
  assert.equal(answer.kind, 'single')
  const r = (answer as any).response
  assert.equal(r.jsonrpc, '2.0')
  assert.equal(r.id, 'req-1')
  assert.equal(r.result.task.status.state, 'TASK_STATE_COMPLETED')
  assert.match(r.result.task.artifacts[0].parts[0].text, /^Summary \(10 words\): Agents talk over libp2p\./)
  const [direct] = await rpc(A, B, 'SendMessage', message('ping'))
  assert.equal(direct.result.message.parts[0].text, 'pong')
})

test('a message to a terminal task is an unsupported operation', async () => {
  const [first] = await rpc(A, B, 'SendMessage', message('done soon'))
  const task = first.result.task
  const [again] = await rpc(A, B, 'SendMessage', message('more', { taskId: task.id, contextId: task.contextId }))
  assert.equal(again.error.code, -32004)
})

test('a streamed direct message holds exactly one message', async () => {
  const frames = await rpc(A, B, 'SendStreamingMessage', message('ping'))
  assert.equal(frames.length, 1)
  assert.ok(frames[0].result.message)
})

test('a task stream starts with the task, keeps order, and ends at a terminal state', async () => {
  const frames = await rpc(A, B, 'SendStreamingMessage', message('Stream this text. Please.'))
  assert.ok(frames[0].result.task, 'first event is the task')
  const kinds = frames.map(f => Object.keys(f.result)[0])
  assert.deepEqual(kinds, ['task', 'statusUpdate', 'artifactUpdate', 'statusUpdate'])
  assert.ok(TERMINAL.has(frames.at(-1).result.statusUpdate.status.state))
  for (const f of frames) assert.equal(f.jsonrpc, '2.0')
})

test('SubscribeToTask returns the task first; refuses terminal tasks; -32001 for unknown ids', async () => {
  const [started] = await rpc(A, B, 'SendMessage', { ...message('slow please'), configuration: { returnImmediately: true } })
  const task = started.result.task
  assert.equal(TERMINAL.has(task.status.state), false)
  const frames = await rpc(A, B, 'SubscribeToTask', { id: task.id })
  assert.equal(frames[0].result.task.id, task.id)
  assert.equal(frames.at(-1).result.statusUpdate.status.state, 'TASK_STATE_COMPLETED')
  const [terminal] = await rpc(A, B, 'SubscribeToTask', { id: task.id })
  assert.equal(terminal.error.code, -32004)
  const [unknown] = await rpc(A, B, 'SubscribeToTask', { id: 'no-such-task' })
  assert.equal(unknown.error.code, -32001)
})

test('get and cancel of unknown ids → -32001; cancel of a terminal task → -32002; cancel of a running task works', async () => {
  assert.equal((await rpc(A, B, 'GetTask', { id: 'nope' }))[0].error.code, -32001)
  assert.equal((await rpc(A, B, 'CancelTask', { id: 'nope' }))[0].error.code, -32001)
  const [done] = await rpc(A, B, 'SendMessage', message('finished'))
  assert.equal((await rpc(A, B, 'CancelTask', { id: done.result.task.id }))[0].error.code, -32002)
  const [running] = await rpc(A, B, 'SendMessage', { ...message('slow again'), configuration: { returnImmediately: true } })
  const [canceled] = await rpc(A, B, 'CancelTask', { id: running.result.task.id })
  assert.equal(canceled.result.status.state, 'TASK_STATE_CANCELED')
})

test('ListTasks is scoped to the caller, newest first, and paginated', async () => {
  await rpc(D, B, 'SendMessage', message('from D'))
  const [mine] = await rpc(A, B, 'ListTasks', {})
  const [theirs] = await rpc(D, B, 'ListTasks', {})
  const mineIds = new Set(mine.result.tasks.map((t: any) => t.id))
  assert.ok(mine.result.tasks.length >= 3)
  assert.equal(theirs.result.tasks.length, 1)
  assert.equal(mineIds.has(theirs.result.tasks[0].id), false, 'D cannot see A\'s tasks and vice versa')
  assert.equal((await rpc(D, B, 'GetTask', { id: mine.result.tasks[0].id }))[0].error.code, -32001)
  const stamps = mine.result.tasks.map((t: any) => Date.parse(t.status.timestamp))
  assert.deepEqual(stamps, [...stamps].sort((a, b) => b - a))
  const [page] = await rpc(A, B, 'ListTasks', { pageSize: 1 })
  assert.equal(page.result.tasks.length, 1)
  assert.ok(page.result.nextPageToken)
  const [page2] = await rpc(A, B, 'ListTasks', { pageSize: 1, pageToken: page.result.nextPageToken })
  assert.notEqual(page2.result.tasks[0].id, page.result.tasks[0].id)
})

test('an unsupported version → -32009; unknown method → -32601; bad JSON → -32700; push config → not supported', async () => {
  assert.equal((await rpc(A, B, 'GetTask', { id: 'x' }, '0.3'))[0].error.code, -32009)
  assert.equal((await rpc(A, B, 'NoSuchMethod', {}))[0].error.code, -32601)
  const answer = await A.a2a.caller.call(B.peerId.toString(), '{not json')
  assert.equal((answer as any).response.error.code, -32700)
  const [push] = await rpc(A, B, 'CreateTaskPushNotificationConfig', { taskId: 'x', url: 'http://127.0.0.1:1/hook' })
  assert.ok([-32003, -32001].includes(push.error.code), JSON.stringify(push.error))
})

test('a peer that is not approved is refused with NOT_TRUSTED before its call is handled', async () => {
  await assert.rejects(rpc(C, B, 'SendMessage', message('let me in')), (err: any) => err.code === 'NOT_TRUSTED' && /trust request/.test(err.hint))
})

test('replayed, forged and altered envelopes are refused', async () => {
  const send = async (frame: unknown): Promise<any> => {
    const stream = await A.libp2p.dialProtocol(B.peerId, A2A_PROTOCOL)
    const framed = jsonStream(stream, { maxBytes: 1024 * 1024 })
    await framed.write(frame)
    const reply = await framed.read(anyFrameSchema)
    await stream.close().catch(() => {})
    return reply
  }
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } })
  const envelope = await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), body)
  assert.equal((await send({ envelope, body })).error.code, -32001, 'the first delivery is answered')
  assert.equal((await send({ envelope, body })).error.code, 'REPLAYED_MESSAGE')
  const stranger = await generateKeyPair('Ed25519')
  const forged = await signEnvelope(stranger, A.peerId.toString(), B.peerId.toString(), body)
  assert.equal((await send({ envelope: forged, body })).error.code, 'BAD_SIGNATURE')
  const honest = await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), body)
  assert.equal((await send({ envelope: honest, body: body.replace('"x"', '"y"') })).error.code, 'BODY_MISMATCH')
  const misdirected = await signEnvelope(A.key, A.peerId.toString(), D.peerId.toString(), body)
  assert.equal((await send({ envelope: misdirected, body })).error.code, 'WRONG_RECIPIENT')
  assert.equal((await send({ body })).error.code, 'BAD_ENVELOPE')
  const audited = (await (await import('../src/audit/index.ts')).readAuditEntries(B.config.dataDir)).filter(e => e.event === 'a2a.refused')
  assert.ok(audited.length >= 5)
})

test('cards are signed by the node; a forged card is rejected', async () => {
  const { peerId, card } = await A.a2a.caller.card(B.peerId.toString())
  assert.equal(peerId, B.peerId.toString())
  const [first] = card.supportedInterfaces as Array<{ protocolBinding: string, url: string }>
  assert.equal(first.protocolBinding, 'urn:agentwire:a2a-libp2p:1.0')
  assert.equal(first.url, `/p2p/${B.peerId.toString()}`)
  await verifyCard(card, B.peerId.toString())
  // Signed by another key but claiming B's PeerId as kid, or simply signed by someone else.
  const impostor = await generateKeyPair('Ed25519')
  const forged = await signCard({ ...card, name: 'evil twin', signatures: [] }, impostor, B.peerId.toString())
  await assert.rejects(verifyCard(forged, B.peerId.toString()), (err: any) => err.code === 'CARD_UNVERIFIED')
  const tampered = { ...card, description: 'changed after signing' }
  await assert.rejects(verifyCard(tampered, B.peerId.toString()), (err: any) => err.code === 'CARD_UNVERIFIED')
})

test('the official SDK client works through our TransportFactory (library use)', async () => {
  const { card } = await A.a2a.caller.card(B.peerId.toString())
  const factory = new ClientFactory({ transports: [A.a2a.caller.transportFactory()] })
  const client = await factory.createFromAgentCard(AgentCard.fromJSON(card))
  const result: any = await client.sendMessage({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'From the SDK client. Over libp2p.' } }] } as any } as any)
  assert.equal(result.status.state, 3) // TASK_STATE_COMPLETED
  const kinds: string[] = []
  for await (const event of client.sendMessageStream({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'stream me' } }] } as any } as any)) {
    kinds.push((event as any).payload?.$case ?? Object.keys(event as object)[0])
  }
  assert.equal(kinds[0], 'task')
  assert.ok(kinds.length >= 3, kinds.join(','))
})

test('an unmodified SDK client pointed at the local gateway works, plain and streaming', async () => {
  const gateway = A.info().gateway!
  assert.match(gateway, /^http:\/\/127\.0\.0\.1:\d+$/)
  const factory = new ClientFactory()
  // The trailing slash matters: A2A resolves the card path relative to the base URL.
  const client = await factory.createFromUrl(`${gateway}/peers/${B.peerId.toString()}/`)
  const result: any = await client.sendMessage({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'Through the gateway. Then libp2p.' } }] } as any } as any)
  assert.equal(result.status.state, 3)
  let events = 0
  let first: string | undefined
  for await (const event of client.sendMessageStream({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'gateway stream' } }] } as any } as any)) {
    first ??= (event as any).payload?.$case
    events++
  }
  assert.equal(first, 'task')
  assert.ok(events >= 3)
})

test('calls are forwarded to an upstream SDK agent over HTTP, streams included, tasks isolated per caller', async () => {
  const [sent] = await rpc(A, E, 'SendMessage', message('Upstream please. Thanks.'))
  assert.equal(sent.result.task.status.state, 'TASK_STATE_COMPLETED')
  assert.match(sent.result.task.artifacts[0].parts[0].text, /^Summary/)
  const frames = await rpc(A, E, 'SendStreamingMessage', message('upstream stream'))
  assert.ok(frames[0].result.task)
  assert.ok(TERMINAL.has(frames.at(-1).result.statusUpdate.status.state))
  assert.equal((await rpc(A, E, 'GetTask', { id: sent.result.task.id }))[0].result.id, sent.result.task.id)
  assert.equal((await rpc(D, E, 'GetTask', { id: sent.result.task.id }))[0].error.code, -32001, 'D cannot read A\'s task')
  const [list] = await rpc(D, E, 'ListTasks', {})
  assert.equal(list.result.tasks.length, 0)
  const { card } = await A.a2a.caller.card(E.peerId.toString())
  assert.equal(card.name, 'upstream agent')
})

test('calls and their envelopes are in the callee\'s audit log (body as a hash by default)', async () => {
  const entries = (await (await import('../src/audit/index.ts')).readAuditEntries(B.config.dataDir, { peer: A.peerId.toString() })).filter(e => e.event === 'a2a.call')
  assert.ok(entries.length > 5)
  const e: any = entries[0]
  assert.equal(e.envelope.from, A.peerId.toString())
  assert.equal(e.envelope.to, B.peerId.toString())
  assert.match(e.bodyHash, /^[0-9a-f]{64}$/)
  assert.equal(e.body, undefined)
})

// What a trusted caller's frame or a stranger's card request can get out of a node: a deeply nested
// frame must be refused before it is materialised, and the public card must not name the local
// agent behind the node. Real nodes on 127.0.0.1.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { jsonStream } from '../src/node/json-stream.ts'
import { anyFrameSchema } from '../src/node/frames.ts'
import { signEnvelope, A2A_PROTOCOL } from '../src/a2a/index.ts'
import { startExampleHttpAgent, type HttpAgent } from '../src/a2a/example-http-agent.ts'
import type { AgentNode } from '../src/agent-node.ts'

let net: Testnet
let upstream: HttpAgent
// Roles: A a trusted caller, B an example agent that trusts A, E a node fronting an HTTP agent, C a stranger.
let A: AgentNode, B: AgentNode, E: AgentNode, C: AgentNode

before(async () => {
  upstream = await startExampleHttpAgent({ name: 'local http agent' })
  net = await testnet(4, { config: i => i === 1 ? { a2a: { exampleAgent: true } } : i === 2 ? { a2a: { upstream: upstream.url } } : {} })
  ;[A, B, E, C] = net.nodes
  await A.trust.request(B.peerId.toString(), 'tests')
  await B.trust.approve(A.peerId.toString())
  await waitFor('mutual trust', () => A.trust.isAllowed(B.peerId.toString()))
})
after(async () => {
  await net.stop()
  await upstream.close()
  await removeTempDirs()
})

/** One raw request frame from A to B; B's first answer frame. */
async function send (frame: unknown): Promise<any> {
  const stream = await A.libp2p.dialProtocol(B.peerId, A2A_PROTOCOL)
  const framed = jsonStream(stream, { maxBytes: 8 * 1024 * 1024 })
  await framed.write(frame)
  const reply = await framed.read(anyFrameSchema)
  await stream.close().catch(() => {})
  return reply
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

test('a 3.6 MiB deeply nested request from a trusted caller is refused before it is parsed', async () => {
  // Nested inside the JSON-RPC body (a string, signed by the envelope)…
  const body = nested(1_800_000)
  const envelope = await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), body)
  const inner = await send({ envelope, body })
  assert.equal(inner.error?.code, -32600, JSON.stringify(inner).slice(0, 300))
  assert.match(inner.error.message, /nested deeper than 64 levels/)
  // …and in the frame itself.
  const honest = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } })
  const outer = await send({ envelope: await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), honest), body: honest, extra: JSON.parse(nested(100)) })
  assert.equal(outer.error?.code, 'BAD_FRAME')
  assert.match(outer.error.message, /nested deeper than 64 levels/)
  // Brackets inside strings are text, not nesting: B still answers A normally.
  const text = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'SendMessage', params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: nested(500) }] } } })
  const ok = await send({ envelope: await signEnvelope(A.key, A.peerId.toString(), B.peerId.toString(), text), body: text })
  assert.equal(ok.result?.task?.status?.state, 'TASK_STATE_COMPLETED', JSON.stringify(ok).slice(0, 300))
})

test('the public card of a node fronting a local agent does not name the agent\'s local URL', async () => {
  const { card } = await C.a2a.caller.card(E.peerId.toString())
  assert.equal(card.name, 'local http agent')
  const text = JSON.stringify(card)
  const port = new URL(upstream.url).port
  assert.equal(text.includes(upstream.url), false, `the card names ${upstream.url}: ${text.slice(0, 400)}`)
  assert.equal(text.includes(`:${port}`), false)
  assert.deepEqual((card.supportedInterfaces as Array<{ protocolBinding: string }>).map(i => i.protocolBinding), ['urn:agentwire:a2a-libp2p:1.0'])
})

// Attacks by one trusted caller on another caller's tasks, through a node fronting an HTTP agent
// (`a2a.upstream`) and through the in-process agent: task ids named anywhere in a request, leaked
// page tokens, push-config ids, and methods A2A does not define. Real nodes, a real HTTP agent.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { AgentCard } from '@a2a-js/sdk'
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { ExampleAgentExecutor, exampleAgentCard } from '../src/a2a/example-agent.ts'
import type { AgentNode } from '../src/agent-node.ts'

let net: Testnet
let server: Server
/** Every JSON-RPC method the HTTP agent received. */
const received: string[] = []
// Roles: A and D are callers both trusted by E (fronting the HTTP agent) and B (in-process example agent).
let A: AgentNode, D: AgentNode, E: AgentNode, B: AgentNode

before(async () => {
  // An unmodified SDK agent, plus one vendor method that lists every task it holds: the kind of
  // extension an agent may have that knows nothing of our callers.
  const app = express()
  server = await new Promise(resolve => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const card = AgentCard.fromJSON({ ...exampleAgentCard('isolation agent'), supportedInterfaces: [{ url: `${url}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] })
  const store = new InMemoryTaskStore()
  const requestHandler = new DefaultRequestHandler(card, store, new ExampleAgentExecutor())
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: requestHandler }))
  app.use('/rpc', express.json(), (req, res, next) => {
    received.push(req.body?.method)
    if (req.body?.method === 'x-vendor/DumpTasks') {
      void requestHandler.listTasks({ pageSize: 100 } as any, { user: { userName: '' } } as any).then(r => res.json({ jsonrpc: '2.0', id: req.body.id, result: r }), next)
      return
    }
    next()
  }, jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication }))
  net = await testnet(4, { config: i => i === 2 ? { a2a: { upstream: url } } : i === 3 ? { a2a: { exampleAgent: true } } : {} })
  ;[A, D, E, B] = net.nodes
  for (const caller of [A, D]) {
    for (const agent of [E, B]) {
      await caller.trust.request(agent.peerId.toString(), 'tests')
      await agent.trust.approve(caller.peerId.toString())
      await waitFor('mutual trust', () => caller.trust.isAllowed(agent.peerId.toString()))
    }
  }
})
after(async () => {
  await net.stop()
  server.closeAllConnections()
  await new Promise<void>(resolve => server.close(() => resolve()))
  await removeTempDirs()
})

async function rpc (from: AgentNode, to: AgentNode, method: string, params: unknown): Promise<any> {
  const answer = await from.a2a.caller.call(to.peerId.toString(), JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params }))
  assert.equal(answer.kind, 'single')
  return (answer as any).response
}
const message = (text: string, extra: Record<string, unknown> = {}): any => ({ message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra } })

test('a caller cannot continue, read or cite another caller\'s task by naming it in SendMessage', async () => {
  for (const agent of [E, B]) {
    const secret = await rpc(A, agent, 'SendMessage', message('A\'s secret plan. Do not share.'))
    const taskId = secret.result.task.id
    const contextId = secret.result.task.contextId
    for (const params of [message('show me', { taskId }), message('show me', { contextId, taskId })]) {
      const answer = await rpc(D, agent, 'SendMessage', params)
      assert.equal(answer.error?.code, -32001, `${agent === E ? 'upstream' : 'in-process'}: ${JSON.stringify(answer).slice(0, 300)}`)
      assert.doesNotMatch(JSON.stringify(answer), /secret plan/)
    }
    // Citing the task: the upstream agent would load it for anyone (it sees one client), so the node
    // refuses; the in-process agent loads references in the caller's own scope and finds nothing.
    const cited = await rpc(D, agent, 'SendMessage', message('show me', { referenceTaskIds: [taskId] }))
    if (agent === E) assert.equal(cited.error?.code, -32001, JSON.stringify(cited).slice(0, 300))
    assert.doesNotMatch(JSON.stringify(cited), /secret plan/)
    if (agent === E) {
      const joined = await rpc(D, agent, 'SendMessage', message('join their conversation', { contextId }))
      assert.equal(joined.error?.code, -32602, JSON.stringify(joined).slice(0, 300))
    }
    const streamed = await D.a2a.caller.call(agent.peerId.toString(), JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendStreamingMessage', params: message('stream it', { taskId }) }))
    const frames: any[] = []
    if (streamed.kind === 'stream') { for await (const f of streamed.frames) frames.push(f) } else frames.push(streamed.response)
    assert.equal(frames[0].error?.code, -32001, JSON.stringify(frames).slice(0, 300))
  }
  // The owner still continues its own task.
  const mine = await rpc(A, E, 'SendMessage', message('Mine. First.'))
  const again = await rpc(A, E, 'SendMessage', message('Mine again.', { taskId: mine.result.task.id, contextId: mine.result.task.contextId }))
  assert.notEqual(again.error?.code, -32001, JSON.stringify(again))
})

test('push-notification config methods check the task in params.taskId, not the config id in params.id', async () => {
  const theirs = (await rpc(A, E, 'SendMessage', message('A\'s task.'))).result.task.id
  const mine = (await rpc(D, E, 'SendMessage', message('D\'s task.'))).result.task.id
  for (const method of ['GetTaskPushNotificationConfig', 'DeleteTaskPushNotificationConfig', 'ListTaskPushNotificationConfigs', 'CreateTaskPushNotificationConfig']) {
    received.length = 0
    const answer = await rpc(D, E, method, { id: mine, taskId: theirs, url: 'http://127.0.0.1:1/hook' })
    assert.equal(answer.error?.code, -32001, `${method}: ${JSON.stringify(answer)}`)
    assert.deepEqual(received, [], `${method} never reached the agent`)
  }
})

test('ListTasks page tokens are opaque, name no task, and are good only for the caller they were given to', async () => {
  const before = (await rpc(D, E, 'ListTasks', {})).result.totalSize
  for (let i = 0; i < 3; i++) await rpc(A, E, 'SendMessage', message(`A task ${i}.`))
  for (let i = 0; i < 2; i++) await rpc(D, E, 'SendMessage', message(`D task ${i}.`))
  const allOfA: string[] = []
  let token = ''
  for (let page = 0; page < 50; page++) {
    const answer = await rpc(A, E, 'ListTasks', { pageSize: 1, ...(token !== '' ? { pageToken: token } : {}) })
    assert.equal(answer.error, undefined, JSON.stringify(answer))
    allOfA.push(...answer.result.tasks.map((t: any) => t.id))
    token = answer.result.nextPageToken ?? ''
    if (token === '') break
  }
  const fromD = await rpc(D, E, 'ListTasks', { pageSize: 1 })
  const dToken: string = fromD.result.nextPageToken
  assert.ok(dToken !== '', 'D has more than one task, so a next page')
  const decoded = Buffer.from(dToken, 'base64').toString('latin1') + dToken
  for (const id of allOfA) assert.equal(decoded.includes(id), false, 'the page token names none of A\'s tasks')
  assert.equal(fromD.result.totalSize, before + 2, 'D is told about its own tasks only')
  // A presenting D's token gets nothing from D's listing; D can still use it.
  const stolen = await rpc(A, E, 'ListTasks', { pageSize: 1, pageToken: dToken })
  assert.equal(stolen.error?.code, -32602)
  const next = await rpc(D, E, 'ListTasks', { pageSize: 1, pageToken: dToken })
  assert.equal(next.result.tasks.length, 1)
  assert.equal(allOfA.includes(next.result.tasks[0].id), false)
  assert.ok(allOfA.length >= 3)
})

test('a method A2A does not define is refused and never reaches the agent', async () => {
  await rpc(A, E, 'SendMessage', message('A task to dump.'))
  received.length = 0
  for (const method of ['x-vendor/DumpTasks', 'tasks/get', '__proto__']) {
    const answer = await rpc(D, E, method, {})
    assert.equal(answer.error?.code, -32601, `${method}: ${JSON.stringify(answer).slice(0, 300)}`)
  }
  assert.deepEqual(received, [])
})

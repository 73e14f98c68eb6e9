// What a caller records about a callee after an A2A call: only requests for work count, so polling a
// task (as `agentwire mcp`'s send_task does while it waits) cannot pile up successes for a peer.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'

let net: Testnet | undefined
after(async () => {
  await net?.stop()
  await removeTempDirs()
})

const total = (outcomes: Map<string, number>): number => [...outcomes.values()].reduce((a, b) => a + b, 0)

test('a SendMessage counts as one outcome; GetTask and ListTasks polls count as none', async () => {
  net = await testnet(2, { config: i => (i === 1 ? { a2a: { exampleAgent: true } } : {}) })
  const [caller, agent] = net.nodes
  await net.trust(caller, agent)
  const { result } = await caller.a2a.send(agent.peerId.toString(), 'One task. Then polls.') as { result: any }
  assert.equal(total(caller.stats.outcomes), 1)
  const evidence = caller.reputation.get(agent.peerId.toString()).evidence
  for (let i = 0; i < 10; i++) {
    await caller.a2a.rpc(agent.peerId.toString(), 'GetTask', { id: result.task.id })
    await caller.a2a.rpc(agent.peerId.toString(), 'ListTasks', {})
  }
  assert.equal(total(caller.stats.outcomes), 1, JSON.stringify([...caller.stats.outcomes]))
  assert.deepEqual(caller.reputation.get(agent.peerId.toString()).evidence, evidence)
})

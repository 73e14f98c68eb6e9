// A2A through the CLI against real daemons: send (plain and streamed), tasks, card, the gateway and
// `a2a.upstream` from a config file, as a user runs them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDaemon, writeConfig, runCli, cliJson, type Daemon } from './helpers/daemon.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { startExampleHttpAgent, type HttpAgent } from '../src/a2a/example-http-agent.ts'

let caller: Daemon, agent: Daemon, fronted: Daemon, http: HttpAgent
const running: Daemon[] = []

before(async () => {
  http = await startExampleHttpAgent({ name: 'fronted http agent' })
  caller = await startDaemon(await writeConfig({ name: 'caller' }))
  agent = await startDaemon(await writeConfig({ name: 'worker', a2a: { exampleAgent: true } }))
  fronted = await startDaemon(await writeConfig({ a2a: { upstream: http.url } }))
  running.push(caller, agent, fronted)
  for (const d of [agent, fronted]) {
    await cliJson(['connect', d.addresses[0], '--config', caller.configPath])
    await cliJson(['trust', 'request', d.peerId, '--reason', 'cli tests', '--config', caller.configPath])
    await cliJson(['trust', 'approve', caller.peerId, '--config', d.configPath])
  }
})
after(async () => {
  await Promise.all(running.map(d => d.stop()))
  await http.close()
  await removeTempDirs()
})

test('send --json prints the A2A result and who answered', async () => {
  const r = await cliJson(['send', agent.peerId, 'One sentence here. Another one.', '--config', caller.configPath])
  assert.equal(r.peerId, agent.peerId)
  assert.equal(r.result.task.status.state, 'TASK_STATE_COMPLETED')
  assert.match(r.result.task.artifacts[0].parts[0].text, /^Summary \(5 words\): One sentence here\./)
  const human = await runCli(['send', agent.peerId, 'Hello. World.', '--config', caller.configPath])
  assert.equal(human.code, 0)
  assert.match(human.stdout, /completed/)
  assert.match(human.stdout, /summary: Summary \(2 words\): Hello\./)
})

test('send --stream prints each event as it arrives, in order', async () => {
  const r = await runCli(['send', agent.peerId, 'Stream it.', '--stream', '--json', '--config', caller.configPath])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l))
  const events = lines.slice(0, -1)
  assert.deepEqual(events.map(e => Object.keys(e)[0]), ['task', 'statusUpdate', 'artifactUpdate', 'statusUpdate'])
  assert.equal(lines.at(-1).streamed, true)
})

test('send --data and --context carry a data part and continue a conversation', async () => {
  const first = await cliJson(['send', agent.peerId, 'with data', '--data', '{"k":[1,2]}', '--config', caller.configPath])
  const contextId = first.result.task.contextId
  const history = first.result.task.history[0].parts
  assert.deepEqual(history[1].data, { k: [1, 2] })
  const second = await cliJson(['send', agent.peerId, 'same conversation', '--context', contextId, '--config', caller.configPath])
  assert.equal(second.result.task.contextId, contextId)
  const bad = await cliJson(['send', agent.peerId, 'x', '--data', '{nope', '--config', caller.configPath])
  assert.equal(bad.error.code, 'BAD_JSON')
})

test('tasks list, get and cancel', async () => {
  // A task of this test's own, so the listing does not lean on what earlier tests sent.
  const sent = await cliJson(['send', agent.peerId, 'A task to list.', '--config', caller.configPath])
  const id = sent.result.task.id
  const list = await cliJson(['tasks', 'list', agent.peerId, '--config', caller.configPath])
  assert.ok(list.result.tasks.some((t: any) => t.id === id), 'the listing holds the task just sent')
  const got = await cliJson(['tasks', 'get', agent.peerId, id, '--config', caller.configPath])
  assert.equal(got.result.id, id)
  const cancel = await cliJson(['tasks', 'cancel', agent.peerId, id, '--config', caller.configPath])
  assert.equal(cancel.error.code, 'A2A_-32002')
  assert.match(cancel.error.hint, /already ended/)
  const missing = await cliJson(['tasks', 'get', agent.peerId, 'no-such-task', '--config', caller.configPath])
  assert.equal(missing.error.code, 'A2A_-32001')
})

test('card prints the verified, signed card', async () => {
  const r = await cliJson(['card', agent.peerId, '--config', caller.configPath])
  assert.equal(r.peerId, agent.peerId)
  assert.equal(r.verified, true)
  assert.equal(r.card.supportedInterfaces[0].url, `/p2p/${agent.peerId}`)
  assert.ok(r.card.signatures.length >= 1)
})

test('a node with a2a.upstream forwards to an unmodified HTTP agent', async () => {
  const r = await cliJson(['send', fronted.peerId, 'Via upstream. Done.', '--config', caller.configPath])
  assert.equal(r.result.task.status.state, 'TASK_STATE_COMPLETED')
  const card = await cliJson(['card', fronted.peerId, '--config', caller.configPath])
  assert.equal(card.card.name, 'fronted http agent')
})

test('a node with no agent answers with a clear A2A error', async () => {
  // The caller node trusts the agent node both ways, but has no agent of its own behind it.
  const reverse = await cliJson(['send', caller.peerId, 'anyone there?', '--config', agent.configPath])
  assert.equal(reverse.error.code, 'A2A_-32004')
  assert.match(reverse.error.message, /no agent is attached/)
})

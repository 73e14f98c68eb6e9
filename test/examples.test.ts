// The examples in examples/ run as a user runs them, so they cannot rot: the TypeScript ones import
// 'agentwire' (the built package, by self-reference), the Python one speaks plain A2A over HTTP.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { spawnJsonLines, type JsonChild } from './helpers/child.ts'
import { cliJson, startDaemon, writeConfig, type Daemon } from './helpers/daemon.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const EXAMPLES = join(ROOT, 'examples')
const running: Array<JsonChild | Daemon> = []

after(async () => {
  await Promise.all(running.map(async c => await c.stop()))
  await removeTempDirs()
})

test("the README's library example is examples/two-nodes.ts, word for word, and it runs", async () => {
  const example = await readFile(join(EXAMPLES, 'two-nodes.ts'), 'utf8')
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  assert.ok(readme.includes(`\`\`\`ts\n${example}\`\`\``), 'README.md must quote examples/two-nodes.ts whole, in a ```ts block (copy it over)')
  const run = spawnJsonLines(process.execPath, [join(EXAMPLES, 'two-nodes.ts'), await tempDir()], { cwd: ROOT })
  running.push(run)
  const { task } = await run.line(l => l.task != null)
  assert.equal(task.status.state, 'TASK_STATE_COMPLETED')
  assert.equal(task.artifacts[0].parts[0].text, 'Summary (5 words): Summarise this.')
  assert.equal(await run.exited, 0, run.output())
})

test('the library examples: an embedded agent answers a caller that finds it by name with the SDK client', async () => {
  assert.ok(existsSync(join(ROOT, 'dist/index.js')), 'the examples import the built package: run `npm run build` (npm test does)')
  // The caller's key first, so the agent's operator can approve it up front (trust.autoApprove).
  const callerDir = await tempDir()
  const init = await cliJson(['init', '--data-dir', callerDir])
  assert.match(init.peerId, /^12D3KooW/)
  const agent = spawnJsonLines(process.execPath, [join(EXAMPLES, 'embedded-agent.ts'), '--data-dir', await tempDir(), '--approve', init.peerId], { cwd: ROOT })
  running.push(agent)
  const ready = await agent.line(l => l.event === 'ready')
  const caller = spawnJsonLines(process.execPath, [join(EXAMPLES, 'call-by-name.ts'), '--data-dir', callerDir, '--bootstrap', ready.addresses[0], 'make this loud'], { cwd: ROOT })
  running.push(caller)
  const answer = await caller.line(l => l.event === 'answer')
  assert.deepEqual(answer, { event: 'answer', agent: ready.peerId, state: 'TASK_STATE_COMPLETED', text: 'MAKE THIS LOUD' })
  assert.equal(await caller.exited, 0, caller.output())
})

test('a Python agent (standard library only) serves calls through a2a.upstream and calls out through the gateway', async () => {
  const python = spawnJsonLines('python3', [join(EXAMPLES, 'python-agent/agent.py'), 'serve', '--port', '0'])
  running.push(python)
  const { url } = await python.line(l => l.event === 'ready')
  const front = await startDaemon(await writeConfig({ name: 'py-agent', a2a: { upstream: url } }))
  running.push(front)
  const other = await startDaemon(await writeConfig({ bootstrap: [front.addresses[0]], a2a: { gateway: { listen: '127.0.0.1:0' } } }))
  running.push(other)
  await cliJson(['trust', 'request', 'py-agent', '--reason', 'python example', '--config', other.configPath])
  await cliJson(['trust', 'approve', other.peerId, '--config', front.configPath])

  // A remote agent calls the Python agent: it answers through its node.
  const sent = await cliJson(['send', 'py-agent', 'one two three', '--config', other.configPath])
  assert.equal(sent.result.task.status.state, 'TASK_STATE_COMPLETED')
  assert.equal(sent.result.task.artifacts[0].parts[0].text, 'three two one')

  // The Python agent's own client calls a remote agent through a node's gateway, by name.
  const gateway = (await cliJson(['info', '--config', other.configPath])).gateway
  const call = spawnJsonLines('python3', [join(EXAMPLES, 'python-agent/agent.py'), 'call', '--gateway', gateway, '--to', 'py-agent', 'alpha beta'])
  running.push(call)
  assert.deepEqual(await call.line(l => l.event === 'answer' || l.event === 'error'), { event: 'answer', state: 'TASK_STATE_COMPLETED', text: 'beta alpha' })
  assert.equal(await call.exited, 0, call.output())
})

test('a Python call to an agent that refuses it prints the A2A error and exits non-zero', async () => {
  const stranger = await startDaemon(await writeConfig({ a2a: { gateway: { listen: '127.0.0.1:0' } } }))
  running.push(stranger)
  const target = await startDaemon(await writeConfig({ a2a: { exampleAgent: true } }))
  running.push(target)
  await cliJson(['connect', target.addresses[0], '--config', stranger.configPath])
  const gateway = (await cliJson(['info', '--config', stranger.configPath])).gateway
  const call = spawnJsonLines('python3', [join(EXAMPLES, 'python-agent/agent.py'), 'call', '--gateway', gateway, '--to', target.peerId, 'let me in'])
  running.push(call)
  const printed = await call.line(l => l.event === 'answer' || l.event === 'error')
  assert.equal(printed.event, 'error')
  assert.match(JSON.stringify(printed.error), /NOT_TRUSTED|not trusted|approved/i)
  assert.equal(await call.exited, 1, call.output())
})

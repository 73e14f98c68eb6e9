// The inbox (`a2a.inbox`) through the CLI against real daemons: the caller sees the normal A2A
// lifecycle (blocking send, stream, input-required turns, cancel), callers are isolated, the
// operator's `agentwire inbox` commands, --watch, and the bounds.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { startDaemon, daemonFor, writeConfig, cliJson, runCli, CLI, type Daemon } from './helpers/daemon.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { waitFor } from './helpers/testnet.ts'
import { callDaemon } from '../src/control/client.ts'
import { validateConfig } from '../src/config/index.ts'

let a: Daemon, b: Daemon, c: Daemon, plain: Daemon
const daemons: Daemon[] = []

async function trustBothWays (from: Daemon, to: Daemon): Promise<void> {
  await cliJson(['connect', to.addresses[0], '--config', from.configPath])
  await cliJson(['trust', 'request', to.peerId, '--reason', 'inbox tests', '--config', from.configPath])
  await cliJson(['trust', 'approve', from.peerId, '--config', to.configPath])
}

/** The inbox item for a caller's newest open task, once it has arrived. */
async function arrived (text: string): Promise<any> {
  return await waitFor(`"${text}" in A's inbox`, async () => (await cliJson(['inbox', 'list', '--config', a.configPath])).find((i: any) => i.messages.at(-1).text === text))
}

/**
 * Close whatever is still open in A's inbox (answer it, or cancel it as its caller when the turn is
 * the caller's), so a test about the bounds starts from an empty inbox whatever ran before it.
 */
async function emptyInbox (): Promise<void> {
  for (const item of await cliJson(['inbox', '--all', '--config', a.configPath])) {
    if (item.state === 'submitted' || item.state === 'working') await cliJson(['inbox', 'fail', item.taskId, 'cleared before a bounds test', '--config', a.configPath])
    const caller = [b, c].find(d => d.peerId === item.from)
    if (item.state === 'input-required' && caller != null) await cliJson(['tasks', 'cancel', a.peerId, item.taskId, '--config', caller.configPath])
  }
}

before(async () => {
  a = await startDaemon(await writeConfig({ name: 'inbox-a', a2a: { inbox: { maxPerPeer: 4, maxTotal: 6 } } }))
  b = await startDaemon(await writeConfig({ name: 'inbox-b' }))
  c = await startDaemon(await writeConfig({ name: 'inbox-c' }))
  plain = await startDaemon(await writeConfig({ name: 'inbox-none' }))
  daemons.push(a, b, c, plain)
  await trustBothWays(b, a)
  await trustBothWays(c, a)
})
after(async () => {
  await Promise.all(daemons.map(async d => await d.stop()))
  await removeTempDirs()
})

test('a2a.inbox config: off by default, true or limits, and clear errors for a bad value or a second agent', () => {
  assert.equal(validateConfig({ dataDir: '/tmp/x' }).a2a.inbox, null)
  assert.deepEqual(validateConfig({ dataDir: '/tmp/x', a2a: { inbox: true } }).a2a.inbox, { maxPerPeer: 16, maxTotal: 256 })
  const limited = validateConfig({ dataDir: '/tmp/x', a2a: { inbox: { maxTotal: 9 } } })
  assert.deepEqual(limited.a2a.inbox, { maxPerPeer: 16, maxTotal: 9 })
  assert.deepEqual(validateConfig(limited).a2a.inbox, limited.a2a.inbox, 'a validated config validates again unchanged')
  assert.throws(() => validateConfig({ dataDir: '/tmp/x', a2a: { inbox: 'yes' } } as any), /a2a\.inbox: must be true, false, or \{ maxPerPeer: N, maxTotal: N \}/)
  assert.throws(() => validateConfig({ dataDir: '/tmp/x', a2a: { inbox: { maxPeer: 3 } } } as any), /a2a\.inbox\.maxPeer: unknown key; valid keys here: maxPerPeer, maxTotal/)
  assert.throws(() => validateConfig({ dataDir: '/tmp/x', a2a: { inbox: true, exampleAgent: true } }), /set either a2a\.inbox or a2a\.upstream \/ a2a\.exampleAgent, not both/)
  assert.deepEqual(validateConfig({ dataDir: '/tmp/x' }).mcp, { allowApprove: false, maxWaitSeconds: 30 })
})

test('a node without a2a.inbox says how to turn it on', async () => {
  const r = await cliJson(['inbox', '--config', plain.configPath])
  assert.equal(r.error.code, 'INBOX_OFF')
  assert.match(r.error.hint, /a2a: \{ inbox: true \}/)
})

test('a blocking send waits for the local answer; the operator lists, shows and replies', async () => {
  const sending = runCli(['send', a.peerId, 'What is 6 times 7?', '--json', '--config', b.configPath])
  const item = await arrived('What is 6 times 7?')
  assert.equal(item.from, b.peerId)
  assert.equal(item.state, 'submitted')
  assert.equal(item.standing.trust, 'mutual')
  const human = await runCli(['inbox', '--config', a.configPath])
  assert.match(human.stdout, new RegExp(`${item.taskId}  submitted[\\s\\S]*from ${b.peerId}  trust mutual, reputation[\\s\\S]*What is 6 times 7\\?`))
  const shown = await runCli(['inbox', 'show', item.taskId, '--config', a.configPath])
  assert.match(shown.stdout, /working[\s\S]*--- from the caller:\nWhat is 6 times 7\?[\s\S]*answer: agentwire inbox reply/)
  const replied = await cliJson(['inbox', 'reply', item.taskId, '42', '--data', '{"n":42}', '--config', a.configPath])
  assert.equal(replied.state, 'completed')
  const sent = JSON.parse((await sending).stdout)
  assert.equal(sent.result.task.id, item.taskId)
  assert.equal(sent.result.task.status.state, 'TASK_STATE_COMPLETED')
  assert.deepEqual(sent.result.task.artifacts[0].parts, [{ text: '42', mediaType: 'text/plain' }, { data: { n: 42 }, mediaType: 'application/json' }])
})

test('a streaming caller sees submitted, working, the answer and completed, in order', async () => {
  const streaming = runCli(['send', a.peerId, 'Stream me an answer.', '--stream', '--json', '--config', b.configPath])
  const item = await arrived('Stream me an answer.')
  await cliJson(['inbox', 'show', item.taskId, '--config', a.configPath])
  await cliJson(['inbox', 'reply', item.taskId, 'Streamed.', '--config', a.configPath])
  const lines = (await streaming).stdout.trim().split('\n').map(l => JSON.parse(l))
  const events = lines.slice(0, -1)
  assert.deepEqual(events.map(e => Object.keys(e)[0]), ['task', 'statusUpdate', 'artifactUpdate', 'statusUpdate'])
  assert.equal(events[0].task.status.state, 'TASK_STATE_SUBMITTED')
  assert.equal(events[1].statusUpdate.status.state, 'TASK_STATE_WORKING')
  assert.equal(events[2].artifactUpdate.artifact.parts[0].text, 'Streamed.')
  assert.equal(events[3].statusUpdate.status.state, 'TASK_STATE_COMPLETED')
})

test('input-required turns: the inbox asks, the caller answers on the same task, the inbox completes it', async () => {
  const first = runCli(['send', a.peerId, 'Summarise the file.', '--json', '--config', b.configPath])
  const item = await arrived('Summarise the file.')
  await cliJson(['inbox', 'reply', item.taskId, 'Which file?', '--ask', '--config', a.configPath])
  const asked = JSON.parse((await first).stdout)
  assert.equal(asked.result.task.status.state, 'TASK_STATE_INPUT_REQUIRED')
  assert.equal(asked.result.task.status.message.parts[0].text, 'Which file?')
  assert.equal((await cliJson(['inbox', '--config', a.configPath])).some((i: any) => i.taskId === item.taskId), false, 'input-required waits for the caller, not for us')
  const second = runCli(['send', a.peerId, 'README.md', '--task', item.taskId, '--json', '--config', b.configPath])
  const again = await arrived('README.md')
  assert.equal(again.taskId, item.taskId)
  assert.deepEqual(again.messages.map((m: any) => `${m.role}: ${m.text}`), ['caller: Summarise the file.', 'local: Which file?', 'caller: README.md'])
  await cliJson(['inbox', 'reply', item.taskId, 'It explains agentwire.', '--config', a.configPath])
  assert.equal(JSON.parse((await second).stdout).result.task.status.state, 'TASK_STATE_COMPLETED')
})

test('callers are isolated, may cancel their own open tasks, and a closed task takes no answer', async () => {
  // A blocking send: it returns when the task settles, here by the caller's own cancel.
  const sending = callDaemon(b.dataDir, 'send', { target: a.peerId, text: 'cancel me' }, { timeoutMs: 0 })
  const item = await arrived('cancel me')
  const foreign = await cliJson(['tasks', 'get', a.peerId, item.taskId, '--config', c.configPath])
  assert.equal(foreign.error.code, 'A2A_-32001')
  const list = await cliJson(['tasks', 'list', a.peerId, '--config', c.configPath])
  assert.equal(list.result.tasks.some((t: any) => t.id === item.taskId), false)
  assert.equal((await cliJson(['tasks', 'cancel', a.peerId, item.taskId, '--config', c.configPath])).error.code, 'A2A_-32001')
  const canceled = await cliJson(['tasks', 'cancel', a.peerId, item.taskId, '--config', b.configPath])
  assert.equal(canceled.result.status.state, 'TASK_STATE_CANCELED')
  assert.equal(((await sending) as any).result.task.status.state, 'TASK_STATE_CANCELED')
  const late = await cliJson(['inbox', 'reply', item.taskId, 'too late', '--config', a.configPath])
  assert.equal(late.error.code, 'INBOX_TASK_CLOSED')
  assert.equal((await cliJson(['tasks', 'cancel', a.peerId, item.taskId, '--config', b.configPath])).error.code, 'A2A_-32002')
})

test('inbox --watch prints each task as it arrives', async () => {
  const watcher = spawn(process.execPath, [CLI, 'inbox', '--watch', '--json', '--config', a.configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  watcher.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  try {
    await waitFor('the watcher\'s first listing', () => out.includes('\n'))
    const sending = callDaemon(b.dataDir, 'send', { target: a.peerId, text: 'watch this' }, { timeoutMs: 0 })
    const line = await waitFor('a "new" event', () => out.split('\n').slice(1).filter(l => l !== '').map(l => JSON.parse(l)).find(e => e.type === 'new'))
    assert.equal(line.item.messages[0].text, 'watch this')
    assert.equal(line.item.standing.peerId, b.peerId)
    await cliJson(['inbox', 'fail', line.item.taskId, 'not today', '--config', a.configPath])
    const failed: any = await sending
    assert.equal(failed.result.task.status.state, 'TASK_STATE_FAILED')
    assert.equal(failed.result.task.status.message.parts[0].text, 'not today')
  } finally {
    watcher.kill('SIGTERM')
  }
})

test('bounds: per peer, then for all peers together, with a clear A2A error; oversized messages are refused', async () => {
  await emptyInbox()
  const send = async (from: Daemon, text: string): Promise<any> =>
    await callDaemon(from.dataDir, 'a2a.delegate', { target: a.peerId, text, waitMs: 0 }).catch(err => ({ error: err }))
  const open: string[] = []
  for (let i = 0; i < 4; i++) open.push((await send(b, `b${i}`)).result.task.id)
  const perPeer = await send(b, 'b-over')
  assert.equal(perPeer.error.code, 'A2A_-32000')
  assert.match(perPeer.error.message, /inbox full: you already have 4 open tasks here \(the limit per peer\)/)
  for (let i = 0; i < 2; i++) open.push((await send(c, `c${i}`)).result.task.id)
  const total = await send(c, 'c-over')
  assert.match(total.error.message, /inbox full: 6 open tasks are waiting here \(the limit for all peers\)/)
  assert.equal((await cliJson(['inbox', '--config', a.configPath])).length, 6)
  for (const id of open) await cliJson(['inbox', 'fail', id, 'cleanup', '--config', a.configPath])
  const big = await send(b, 'x'.repeat(300 * 1024))
  assert.equal(big.error.code, 'A2A_-32602')
  assert.match(big.error.message, /this inbox accepts at most 262144/)
  assert.equal((await cliJson(['inbox', '--config', a.configPath])).length, 0)
})

test('a task the caller saw acknowledged survives a SIGKILL of the inbox daemon', async (t) => {
  // An inbox daemon of this test's own: the kill and restart leave the one the other tests use alone.
  const crashing = await daemonFor(t, await writeConfig({ name: 'inbox-crash', a2a: { inbox: true } }))
  await trustBothWays(b, crashing)
  const sent = await callDaemon(b.dataDir, 'a2a.delegate', { target: crashing.peerId, text: 'keep me through a crash', waitMs: 0 }) as any
  assert.equal(sent.result.task.status.state, 'TASK_STATE_SUBMITTED')
  crashing.process.kill('SIGKILL')
  await crashing.exited
  const restarted = await daemonFor(t, crashing.configPath)
  const item = (await cliJson(['inbox', '--config', restarted.configPath])).find((i: any) => i.taskId === sent.result.task.id)
  assert.equal(item?.messages[0].text, 'keep me through a crash')
  await cliJson(['connect', b.addresses[0], '--config', restarted.configPath])
  await cliJson(['inbox', 'reply', item.taskId, 'kept', '--config', restarted.configPath])
  const got = await cliJson(['tasks', 'get', restarted.peerId, item.taskId, '--config', b.configPath])
  assert.equal(got.result.artifacts[0].parts[0].text, 'kept')
})

test('a peer the inbox node has not approved cannot put anything in its inbox', async () => {
  const before = (await cliJson(['inbox', '--all', '--config', a.configPath])).length
  await cliJson(['connect', a.addresses[0], '--config', plain.configPath])
  const r = await cliJson(['send', a.peerId, 'let me in', '--config', plain.configPath])
  assert.equal(r.error.code, 'NOT_TRUSTED')
  assert.equal((await cliJson(['inbox', '--all', '--config', a.configPath])).length, before)
})

test('concurrent sends cannot overshoot the per-peer bound', async () => {
  await emptyInbox()
  const results: any[] = await Promise.all(Array.from({ length: 8 }, async (_, i) =>
    await callDaemon(b.dataDir, 'a2a.delegate', { target: a.peerId, text: `race ${i}`, waitMs: 0 }).catch(err => ({ error: err }))))
  const accepted = results.filter(r => r.result?.task != null)
  assert.equal(accepted.length, 4)
  assert.ok(results.filter(r => r.error != null).every(r => r.error.code === 'A2A_-32000'))
  const open = await cliJson(['inbox', '--from', b.peerId, '--config', a.configPath])
  assert.equal(open.length, 4)
  for (const r of accepted) await cliJson(['inbox', 'fail', r.result.task.id, 'cleanup', '--config', a.configPath])
})

// Stopping a node is bounded and says what it waited on, and a WebRTC peer connection, once
// closed, leaves nothing behind that keeps the process alive (issue 20: a CI run hung after
// natlab-webrtc.test.ts had passed, its nodes stopped but the test process never exiting).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { createLibp2p } from 'libp2p'
import { Lifecycle } from '../src/node/lifecycle.ts'
import { componentStops } from '../src/node/libp2p-internals.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(async () => { await removeTempDirs() })

test('a part that never stops is given up on: stop() returns, names the libp2p component it waited on, and the other parts still stop', async () => {
  // A real libp2p node with one service whose stop never returns.
  const libp2p = await createLibp2p({ services: { stuck: () => ({ start: () => {}, stop: async () => { await new Promise(() => {}) } }) } })
  const lines: Array<Record<string, unknown>> = []
  const log = pino({ level: 'warn' }, new Writable({ write (chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done() } }))
  let otherStopped = false
  const lifecycle = new Lifecycle<'libp2p' | 'other'>([
    ['libp2p', { start: async () => { await libp2p.start() }, stop: async () => { await libp2p.stop() }, waitingOn: componentStops(libp2p) }],
    ['other', { start: () => {}, stop: () => { otherStopped = true } }]
  ], ['libp2p', 'other'], log, 300)
  await lifecycle.start()
  await assert.rejects(lifecycle.stop(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'NODE_STOP_TIMEOUT')
    assert.match(err.message, /gave up after 300 ms waiting on libp2p \(stuck\.stop\)/)
    return true
  })
  assert.equal(otherStopped, true, 'the parts after the stuck one still stopped')
  assert.equal(lifecycle.status, 'stopped')
  const line = lines.find(l => l.msg === 'a part did not stop in time; going on without it')
  assert.deepEqual(line?.waitingOn, ['libp2p (stuck.stop)'], 'the log names the component')
})

/** Run `script` (an ES module) in a child node process from the repository root: its exit code and stdout, or null if it had to be killed after 30 s. */
async function runChild (script: string): Promise<{ code: number | null, out: string } | null> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  // A hang check, not a speed check: the process exits by itself, or it is killed and the test fails.
  const guard = setTimeout(() => { child.kill('SIGKILL') }, 30_000)
  const [code, signal] = await new Promise<[number | null, string | null]>(resolve => child.on('exit', (c, s) => { resolve([c, s]) }))
  clearTimeout(guard)
  return signal != null ? null : { code, out }
}

test('closing a WebRTC peer connection closes its data channels: a dial given up before SCTP connected leaves nothing that keeps the process alive', async () => {
  // What @libp2p/webrtc's initiator does (an 'init' channel, an offer), then gives up before the
  // answer: libdatachannel closed only channels that had an SCTP stream, so this one stayed
  // 'connecting' and its native close callback held the event loop: the process never exited.
  const script = `
    import { RTCPeerConnection } from 'node-datachannel/polyfill'
    const pc = new RTCPeerConnection({ iceServers: [] })
    const channel = pc.createDataChannel('init')
    await pc.setLocalDescription(await pc.createOffer())
    pc.close()
    channel.addEventListener('close', () => { console.log('init channel', channel.readyState) })
  `
  const run = await runChild(script)
  assert.ok(run != null, 'the process exited by itself (it was killed after 30 s: something kept it alive)')
  assert.equal(run.code, 0)
  assert.match(run.out, /init channel closed/)
})

test('when the last WebRTC node of a process stops, what node-datachannel still holds is released and the process exits', async () => {
  // A channel whose close node-datachannel never reports (a remote that opened and reset a stream
  // before our JavaScript wrapped it leaves one; no call on it releases it) is stood in for by a
  // peer connection and channel nobody closes: only node-datachannel's cleanup() releases them.
  const dataDir = await tempDir()
  const script = `
    import { RTCPeerConnection } from 'node-datachannel/polyfill'
    import { createAgentNode } from './src/agent-node.ts'
    const node = await createAgentNode({ dataDir: ${JSON.stringify(dataDir)}, listen: [], nat: { webrtc: true, stun: [] }, log: { level: 'silent' } })
    await node.start()
    new RTCPeerConnection({ iceServers: [] }).createDataChannel('never closed')
    await node.stop()
    console.log('stopped')
  `
  const run = await runChild(script)
  assert.ok(run != null, 'the process exited by itself (it was killed after 30 s: something kept it alive)')
  assert.equal(run.code, 0)
  assert.match(run.out, /stopped/)
})

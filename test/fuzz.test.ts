// The fuzz harness in quick mode, and every finding it made kept as a regression test.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { join } from 'node:path'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs, tempDir } from './helpers/tmp.ts'
import { runFuzz } from '../scripts/fuzz/harness.ts'
import { probe } from '../scripts/fuzz/probe.ts'
import { concat, jsonBytes, lpFrame, varint } from '../scripts/fuzz/inputs.ts'
import { HANDSHAKE_PROTOCOL } from '../src/trust/index.ts'
import { A2A_PROTOCOL } from '../src/a2a/index.ts'
import { selectNameRecord, nameKey } from '../src/naming/index.ts'
import { startControlServer } from '../src/control/server.ts'
import { silentLogger } from '../src/log/logger.ts'

/** Fixed so CI is reproducible; set AGENTWIRE_FUZZ_SEED to explore (the seed is in every case id). */
const SEED = Number(process.env.AGENTWIRE_FUZZ_SEED ?? 90210)
/** How long the victim has to end a stream, in ms: its 10 s read timeout plus a margin for a loaded machine (a passing case never waits for it). */
const DEADLINE_MS = 30_000

let net: Testnet
before(async () => {
  // Node 0 is the victim; its open policy lets node 1's input past the gate to the handlers.
  net = await testnet(2, { config: i => (i === 0 ? { trust: { policy: 'open' as const }, a2a: { exampleAgent: true } } : {}) })
  net.nodes[0].trust.guard.configure({ streamsPerSecond: 1e6, streamBurst: 1e6, handshakesPerMinute: 1e6, handshakeBurst: 1e6 })
})
after(async () => {
  await net.stop()
  await removeTempDirs()
})

function rejections (): number {
  return Object.values(net.nodes[0].trust.guard.stats().rejections).reduce((a, b) => a + b, 0)
}

test('finding 1: a stream ended before any request is closed by the handshake and A2A handlers, not left open', async () => {
  const [victim, peer] = net.nodes
  for (const protocol of [HANDSHAKE_PROTOCOL, A2A_PROTOCOL]) {
    const result = await probe(peer, victim, protocol, new Uint8Array(0), { deadlineMs: DEADLINE_MS })
    assert.equal(result.outcome, 'closed', protocol)
  }
})

test('finding 2: a frame cut short is refused as BAD_FRAME and counted, not taken for a clean end', async () => {
  const [victim, peer] = net.nodes
  const frame = lpFrame(jsonBytes({ body: { kind: 'request' }, sig: 'x' }))
  for (const bytes of [frame.subarray(0, 10), concat(varint(500), jsonBytes({ a: 1 }))]) {
    for (const protocol of [HANDSHAKE_PROTOCOL, A2A_PROTOCOL]) {
      const before = rejections()
      const result = await probe(peer, victim, protocol, bytes, { deadlineMs: DEADLINE_MS })
      assert.equal(result.outcome, 'closed', protocol)
      assert.match(new TextDecoder().decode(result.reply), /BAD_FRAME/)
      await waitFor('the refusal to be counted', () => rejections() > before, 5_000)
    }
  }
})

test('finding 3: a bare `null` frame is refused, not taken for the end of the stream', async () => {
  const [victim, peer] = net.nodes
  for (const protocol of [HANDSHAKE_PROTOCOL, A2A_PROTOCOL]) {
    const result = await probe(peer, victim, protocol, lpFrame(jsonBytes(null)), { deadlineMs: DEADLINE_MS })
    assert.equal(result.outcome, 'closed')
    assert.match(new TextDecoder().decode(result.reply), /not a JSON object/)
  }
})

test('finding 4: the name-record selector skips `null` and half-records instead of throwing', async () => {
  const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
  const good = enc({ claims: [{ name: 'a', peerId: '12D3KooWx', seq: 5, expiresAt: Date.now() + 1000, sig: 'x' }] })
  assert.equal(await selectNameRecord(nameKey('a'), [enc(null), good]), 1)
  assert.equal(await selectNameRecord(nameKey('a'), [good, enc(null), enc(7), enc({ seq: 99 })]), 0)
  assert.equal(await selectNameRecord(nameKey('a'), [enc(null)]), 0)
})

test('finding 5: the control socket drops a connection that never completes its request line', async () => {
  const dir = await tempDir()
  const path = join(dir, 'c.sock')
  const server = await startControlServer(path, { info: async () => ({}) }, silentLogger(), { requestDeadlineMs: 200 })
  try {
    const closed = await new Promise<boolean>(resolve => {
      const socket = connect(path)
      const timer = setTimeout(() => { socket.destroy(); resolve(false) }, 10_000)
      socket.on('error', () => {})
      socket.on('close', () => { clearTimeout(timer); resolve(true) })
      socket.write('{"method":"info"') // no newline, and the client keeps its side open
    })
    assert.ok(closed, 'the daemon closed the idle connection')
  } finally {
    await server.close()
  }
})

test('quick fuzz: every handler survives hostile input, refusals are counted, the attacker is disconnected, memory stays bounded', async () => {
  const report = await runFuzz({ seed: SEED, count: 25, timeBudgetMs: 120_000 })
  const summary = JSON.stringify({ ...report, findings: report.findings.slice(0, 5) }, null, 2)
  assert.deepEqual(report.findings, [], summary)
  assert.deepEqual(report.unhandled, [], summary)
  for (const target of ['handshake', 'a2a', 'card', 'names', 'control', 'config']) assert.ok(report.cases[target] > 0, `${target} ran: ${summary}`)
  assert.ok(Object.values(report.refusals).reduce((a, b) => a + b, 0) > 0, summary)
  assert.ok(report.disconnects >= 1, `the guard disconnected the attacker at least once: ${summary}`)
  assert.ok(report.heapAfterMb - report.heapBeforeMb < 64, `heap grew by less than 64 MB: ${summary}`)
})

test('finding 6 (seed 1948164030): an unknown control method is echoed short, so the answer stays one JSON line', async () => {
  const dir = await tempDir()
  const path = join(dir, 'c.sock')
  const server = await startControlServer(path, { info: async () => ({}) }, silentLogger())
  try {
    const reply = await new Promise<string>(resolve => {
      const socket = connect(path)
      let text = ''
      socket.on('data', d => { text += d.toString('utf8') })
      socket.on('error', () => {})
      socket.on('close', () => resolve(text))
      socket.end(JSON.stringify({ method: 'x'.repeat(70_000) + '\u001b[2K' }) + '\n')
    })
    assert.ok(reply.length < 1000, `answer of ${reply.length} characters`)
    const { error } = JSON.parse(reply)
    assert.equal(error.code, 'UNKNOWN_METHOD')
    assert.match(error.message, /70004 characters/)
  } finally {
    await server.close()
  }
  const report = await runFuzz({ seed: 1948164030, count: 40, timeBudgetMs: 60_000, only: ['control'] })
  assert.deepEqual(report.findings, [])
})

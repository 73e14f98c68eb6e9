// Reputation units: report signing and decoding, the aggregation model, vouching, quarantine doubling,
// and the simulation's --quick mode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { signReport, encodeReport, decodeReport, ReportStore, ReputationModel, QuarantineBook, modelParams, defaultReputationConfig, type TrustReport } from '../src/reputation/index.ts'

const cfg = defaultReputationConfig()
const HOUR = 3_600_000

async function key (): Promise<{ k: Awaited<ReturnType<typeof generateKeyPair>>, id: string }> {
  const k = await generateKeyPair('Ed25519')
  return { k, id: peerIdFromPrivateKey(k).toString() }
}

test('a signed report round-trips and any change to it breaks the signature', async () => {
  const a = await key(); const b = await key()
  const now = Date.now()
  const r = await signReport(a.k, { issuer: a.id, subject: b.id, positive: 3.14159, negative: 1, vouch: 0, seq: 1, issuedAt: now, expiresAt: now + HOUR })
  const back = await decodeReport(encodeReport(r), now)
  assert.equal(back.positive, 3.142)
  const tampered = JSON.parse(new TextDecoder().decode(encodeReport(r)))
  tampered.negative = 0
  await assert.rejects(decodeReport(new TextEncoder().encode(JSON.stringify(tampered)), now), { code: 'BAD_SIGNATURE' })
  await assert.rejects(decodeReport(encodeReport(r), now + 2 * HOUR), { code: 'REPORT_EXPIRED' })
  await assert.rejects(decodeReport(new Uint8Array(5000), now), { code: 'REPORT_TOO_LARGE' })
})

test('the newest report per issuer and subject replaces older ones; a replay adds nothing', () => {
  const store = new ReportStore<TrustReport>()
  const base = { issuer: 'i', subject: 's', positive: 1, negative: 0, vouch: 0, issuedAt: 0, expiresAt: 10, sig: '' }
  assert.equal(store.put({ ...base, seq: 2 }), 'new')
  assert.equal(store.put({ ...base, seq: 2 }), 'stale')
  assert.equal(store.put({ ...base, seq: 1 }), 'stale')
  assert.equal(store.put({ ...base, seq: 3, positive: 5 }), 'replaced')
  assert.equal(store.size, 1)
  assert.equal([...store.about('s')][0].positive, 5)
})

test('a newcomer is unknown, below the work threshold; negative evidence fades slower than positive', () => {
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: 100 * HOUR }))
  const t0 = 1_000_000
  assert.equal(m.view('new', t0).state, 'unknown')
  assert.ok(m.view('new', t0).score < cfg.acceptScore)
  m.record('p', 'ok', t0); m.record('p', 'ok', t0)
  assert.equal(m.view('p', t0).state, 'accept')
  m.record('q', 'ok', t0); m.record('q', 'failed', t0)
  const later = m.directNow('q', t0 + 7 * 24 * HOUR)
  assert.ok(later.negative / 0.5 > later.positive / 1, 'after a week, more of the negative evidence is left')
})

test('two invalid results quarantine; a repeat doubles the period; old evidence does not re-quarantine', () => {
  const book = new QuarantineBook({ baseMs: HOUR, maxMs: 100 * HOUR })
  const m = new ReputationModel('me', modelParams(cfg), new ReportStore(), book)
  const t0 = 1_000_000
  m.record('bad', 'invalid', t0)
  assert.equal(m.judge('bad', t0).state, 'refuse')
  m.record('bad', 'invalid', t0)
  const j = m.judge('bad', t0)
  assert.equal(j.state, 'quarantined')
  assert.equal(j.entered?.level, 1)
  book.expire(t0 + HOUR)
  assert.notEqual(m.judge('bad', t0 + HOUR + 1).state, 'quarantined')
  m.record('bad', 'invalid', t0 + HOUR + 2)
  const again = m.judge('bad', t0 + HOUR + 2)
  assert.equal(again.entered?.level, 2)
  assert.equal(again.entered?.durationMs, 2 * HOUR)
})

test('a vouch lifts a newcomer for peers that accept the voucher, and costs the voucher if the newcomer goes bad', () => {
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  for (let i = 0; i < 5; i++) m.record('voucher', 'ok', t0)
  const before = m.view('voucher', t0).score
  store.put({ issuer: 'voucher', subject: 'newbie', positive: 0, negative: 0, vouch: 2, seq: 1, issuedAt: t0, expiresAt: t0 + HOUR })
  assert.equal(m.view('newbie', t0).state, 'accept')
  m.record('newbie', 'invalid', t0); m.record('newbie', 'invalid', t0)
  assert.ok(m.view('voucher', t0).score < before, 'the voucher paid for it')
})

test('the simulation runs in --quick mode and prints rows for all three models', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/sim-reputation.ts', '--quick', '--json'], { timeout: 120_000 })
  const { rows } = JSON.parse(stdout)
  assert.deepEqual(new Set(rows.map((r: any) => r.model)), new Set(['agentwire', 'eigentrust', 'none']))
  for (const r of rows) for (const k of ['model', 'attack', 'malicious', 'servedByMalicious', 'honestSuccess', 'falseQuarantine', 'roundsToQuarantine']) assert.ok(k in r)
  const aw = rows.filter((r: any) => r.model === 'agentwire')
  const none = rows.filter((r: any) => r.model === 'none')
  assert.ok(aw.every((r: any, i: number) => r.servedByMalicious < none[i].servedByMalicious))
})

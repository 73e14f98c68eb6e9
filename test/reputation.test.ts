// Reputation units: report signing and decoding, the aggregation model, vouching, quarantine doubling,
// and the simulation's --quick mode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { runOne } from '../scripts/sim/world.ts'
import { signReport, encodeReport, decodeReport, ReportStore, ReputationModel, reportableEvidence, QuarantineBook, modelParams, defaultReputationConfig, type TrustReport } from '../src/reputation/index.ts'

const cfg = defaultReputationConfig()
const HOUR = 3_600_000

/** `report(issuer, subject, positive, negative, at)` puts a 48 h report into `store`, numbered in order; `at` defaults to `defaultAt`. */
function reportsInto (store: ReportStore, defaultAt?: number): (issuer: string, subject: string, positive: number, negative: number, at?: number) => void {
  let seq = 0
  return (issuer, subject, positive, negative, at = defaultAt) => {
    if (at == null) throw new Error('report(): give the time it was issued')
    store.put({ issuer, subject, positive, negative, vouch: 0, seq: ++seq, issuedAt: at, expiresAt: at + 48 * HOUR }, at)
  }
}

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

test('an invalid result after good work forgets the good record: refused at once, not throttled', () => {
  const m = new ReputationModel('me', modelParams(cfg), new ReportStore(), new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  for (let i = 0; i < 6; i++) m.record('osc', 'ok', t0)
  assert.equal(m.view('osc', t0).state, 'accept')
  m.record('osc', 'invalid', t0)
  assert.equal(m.directNow('osc', t0).positive, cfg.betrayalKeep * 6)
  assert.equal(m.view('osc', t0).state, 'refuse')
  // A failure is not a betrayal: it may be the network's fault.
  for (let i = 0; i < 6; i++) m.record('flaky', 'ok', t0)
  m.record('flaky', 'failed', t0)
  assert.equal(m.view('flaky', t0).state, 'accept')
})

test('credibility: a stranger is not believed, a peer that served us well or a trusted anchor is, one that cheated us is not, and a liar loses its standing within hours', () => {
  const store = new ReportStore()
  const anchors = new Set(['anchor'])
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => anchors.has(p))
  const t0 = 1_000_000
  assert.ok(m.credibility('stranger', t0) < cfg.credibleThreshold)
  assert.ok(m.credibility('anchor', t0) >= cfg.credibleThreshold)
  m.record('worker', 'ok', t0); m.record('worker', 'ok', t0)
  assert.ok(m.credibility('worker', t0) >= cfg.credibleThreshold)
  m.record('cheat', 'ok', t0); m.record('cheat', 'invalid', t0)
  assert.equal(m.credibility('cheat', t0), 0)
  // 'worker' agreed with us about thirty peers a day ago, and now calls four of them bad.
  const good = Array.from({ length: 30 }, (_, i) => `g${i}`)
  let seq = 0
  for (const g of good) { m.record(g, 'ok', t0); m.record(g, 'ok', t0) }
  // (Its reports reached us before our own dealings with those peers: it could not have copied them.)
  for (const g of good) store.put({ issuer: 'worker', subject: g, positive: 2, negative: 0, vouch: 0, seq: ++seq, issuedAt: t0 - 1, expiresAt: t0 + 48 * HOUR }, t0 - 1)
  const before = m.credibility('worker', t0 + HOUR)
  // (Agreement counts up to a cap, so a served-well reporter's standing tops out at 0.9.)
  assert.ok(before > 0.85, `credible while it agrees (${before})`)
  for (const g of good.slice(0, 4)) store.put({ issuer: 'worker', subject: g, positive: 0, negative: 6, vouch: 0, seq: ++seq, issuedAt: t0 + 24 * HOUR, expiresAt: t0 + 48 * HOUR })
  const after = m.credibility('worker', t0 + 24 * HOUR)
  assert.ok(after < cfg.credibleThreshold, `four fresh lies outweigh older agreement (${after})`)
})

test('credibility is checked against our latest 64 dealings, and follows new reports and new evidence without being told', () => {
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  const report = reportsInto(store)
  // A stranger whose reports said what we then found out ourselves becomes credible at once.
  assert.ok(m.credibility('witness', t0) < cfg.credibleThreshold, 'a stranger before it has said anything')
  for (const s of ['a', 'b', 'c']) report('witness', s, 2, 0, t0 - 1)
  for (const s of ['a', 'b', 'c']) { m.record(s, 'ok', t0); m.record(s, 'ok', t0) }
  // The same agreement arriving after our own evidence (a copy of our public reports) counts for nothing.
  for (const s of ['a', 'b', 'c']) report('copycat', s, 2.001, 0, t0 + 1)
  assert.ok(Math.abs(m.credibility('copycat', t0 + 1) - m.credibility('stranger', t0 + 1)) < 1e-9, 'agreement after the fact is no evidence')
  const agreed = m.credibility('witness', t0)
  assert.ok(agreed >= cfg.credibleThreshold, `its agreeing reports count at once (${agreed})`)
  // Our own evidence changes (same instant, so no cache has aged out): 'a' cheats us, and the
  // witness's praise of it, as new as our evidence, now contradicts it.
  m.record('a', 'invalid', t0)
  const contradicted = m.credibility('witness', t0)
  assert.ok(contradicted < agreed, `our new evidence lowers it at once (${agreed} -> ${contradicted})`)
  // Sixty-four later dealings push a, b and c out of the sample: the witness is a stranger again.
  for (let i = 0; i < 64; i++) m.record(`later${i}`, 'ok', t0 + 3 * HOUR)
  const forgotten = m.credibility('witness', t0 + 3 * HOUR)
  assert.ok(Math.abs(forgotten - m.credibility('stranger', t0 + 3 * HOUR)) < 1e-9, `judged on recent dealings only (${forgotten})`)
})

test('an echo of our report does not age into agreement as our dealings with the subject go on', () => {
  // The attack: a fresh key republishes, nudged and backdated, what we reported about peers we deal
  // with. On arrival it is a copy (it agrees with evidence we had already published). Our next
  // outcome about the same subject makes our evidence newer than the copy's arrival — which must
  // not turn the old copy into "a report that reached us before the evidence it agrees with".
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  let seq = 0
  const subjects = ['a', 'b', 'c', 'd']
  for (const s of subjects) { m.record(s, 'ok', t0); m.record(s, 'ok', t0) }
  // Our reports are public; the copycat echoes them (counts nudged past the exact-repeat check).
  for (const s of subjects) store.put({ issuer: 'copycat', subject: s, positive: 2.001, negative: 0, vouch: 0, seq: ++seq, issuedAt: t0 - 1, expiresAt: t0 + 48 * HOUR }, t0 + 1)
  const stranger = (t: number): number => m.credibility('stranger', t)
  assert.ok(Math.abs(m.credibility('copycat', t0 + 1) - stranger(t0 + 1)) < 1e-9, 'a fresh copy counts for nothing')
  // Our dealings go on: one more good outcome about each subject, an hour later.
  for (const s of subjects) m.record(s, 'ok', t0 + HOUR)
  const later = m.credibility('copycat', t0 + HOUR)
  assert.ok(later < cfg.credibleThreshold, `the copies stay no evidence after our later outcomes (${later})`)
  assert.ok(Math.abs(later - stranger(t0 + HOUR)) < 1e-9, `no better than a stranger (${later} vs ${stranger(t0 + HOUR)})`)
  // Control: a witness whose reports reached us before we first dealt with the subjects still counts.
  for (const s of ['e', 'f', 'g']) store.put({ issuer: 'witness', subject: s, positive: 2, negative: 0, vouch: 0, seq: ++seq, issuedAt: t0, expiresAt: t0 + 48 * HOUR }, t0)
  for (const s of ['e', 'f', 'g']) { m.record(s, 'ok', t0 + HOUR); m.record(s, 'ok', t0 + HOUR) }
  for (const s of ['e', 'f', 'g']) m.record(s, 'ok', t0 + 2 * HOUR)
  const witness = m.credibility('witness', t0 + 2 * HOUR)
  assert.ok(witness >= cfg.credibleThreshold, `a report that came first still counts after our later outcomes (${witness})`)
})

test('peers that each dealt once with a provider report the same counts: each is a witness; only a copy with the same date is an echo', () => {
  // One good answer is (1, 0) to everyone. When the echo check compared counts alone, every peer but
  // the first to report a provider after one dealing was taken for a copy, and in a large network
  // most honest reporters never became credible (the 1000-agent sybil-whitewash row, 0.075 -> 0.107).
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  const report = reportsInto(store)
  const subjects = ['a', 'b', 'c']
  for (const s of subjects) report('first', s, 1, 0, t0 - 3 * HOUR)
  // A second peer's own dealing, an hour later: same counts, its own date.
  for (const s of subjects) report('second', s, 1, 0, t0 - 2 * HOUR)
  // A copy of the first peer's reports: same counts, same date (arriving before our dealings too).
  for (const s of subjects) store.put({ issuer: 'copy', subject: s, positive: 1, negative: 0, vouch: 0, seq: 100, issuedAt: t0 - 3 * HOUR, expiresAt: t0 + 48 * HOUR }, t0 - HOUR)
  for (const s of subjects) m.record(s, 'ok', t0)
  const stranger = m.credibility('stranger', t0)
  assert.ok(m.credibility('first', t0) >= cfg.credibleThreshold, `the first witness counts (${m.credibility('first', t0)})`)
  assert.ok(m.credibility('second', t0) >= cfg.credibleThreshold, `the second witness counts too (${m.credibility('second', t0)})`)
  assert.ok(Math.abs(m.credibility('copy', t0) - stranger) < 1e-9, `the exact copy counts for nothing (${m.credibility('copy', t0)} vs ${stranger})`)
})

test('second-hand checks: a stranger whose reports match our anchors\' becomes credible; praising a peer they caught cheating costs three times', () => {
  const store = new ReportStore()
  const t0 = 1_000_000
  const report = reportsInto(store, t0)
  // Our anchor (trusted by handshake) has worked with s1..s3 and caught 'cheat'; we have dealt with
  // none of them. The others spoke first (a report after the anchor's could be a copy of it).
  for (const s of ['s1', 's2', 's3']) report('honest', s, 2, 0, t0 - 1)
  report('witness', 'cheat', 0, 2, t0 - 1)
  for (const s of ['s1', 's2', 's3']) report('shill', s, 2, 0, t0 - 1)
  for (const s of ['s1', 's2', 's3']) report('anchor', s, 3, 0)
  report('anchor', 'cheat', 0, 4)
  report('shill', 'cheat', 5, 0, t0 + HOUR)
  const withAnchor = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => p === 'anchor')
  const alone = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const at = t0 + HOUR
  assert.ok(alone.credibility('honest', at) < cfg.credibleThreshold, 'without anchors, nothing to check it against: a stranger')
  assert.ok(withAnchor.credibility('honest', at) >= cfg.credibleThreshold, `three agreements with the anchor, at half weight (${withAnchor.credibility('honest', at)})`)
  assert.ok(withAnchor.credibility('witness', at) >= cfg.credibleThreshold, `one agreement that a caught cheat cheated weighs three (${withAnchor.credibility('witness', at)})`)
  assert.ok(withAnchor.credibility('shill', at) < cfg.credibleThreshold, `praise of a caught cheat outweighs three agreements (${withAnchor.credibility('shill', at)})`)
  assert.ok(withAnchor.credibility('anchor', at) >= cfg.credibleThreshold, 'the anchor itself is believed')
})

test('a camouflaged peer: its victim stays credible against our anchors\' good view of it; as a stranger its warning lowers the score but does not decide, and leaves a newcomer unknown', () => {
  const store = new ReportStore()
  const t0 = 100 * HOUR
  const report = reportsInto(store)
  // 'victim' spoke about s1..s4 before our anchors dealt with them, and agreed: a day later that is
  // still its standing. Then 'cam' cheated it; 'cam' served both anchors well after that.
  for (const s of ['s1', 's2', 's3', 's4']) report('victim', s, 2, 0, t0 - 26 * HOUR)
  for (const s of ['s1', 's2', 's3', 's4']) { report('a1', s, 3, 0, t0 - 25 * HOUR); report('a2', s, 3, 0, t0 - 25 * HOUR) }
  report('victim', 'cam', 0, 2, t0 - 2 * HOUR)
  report('a1', 'cam', 3, 0, t0 - HOUR)
  report('a2', 'cam', 3, 0, t0 - HOUR)
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => p === 'a1' || p === 'a2')
  // Before: agreements a day old weighed 1/16, and the anchors' later good work made the victim a liar.
  assert.ok(m.credibility('victim', t0) >= cfg.credibleThreshold, `the cheated peer is believed (${m.credibility('victim', t0)})`)
  const v = m.view('cam', t0)
  // The victim is a stranger believed for agreeing: its warning informs (a lower score), it does not
  // decide — it neither voids our anchors' praise nor takes 'cam' out of `accept` (session hole17:
  // otherwise keys that copy our anchors' reports could do the same to an honest peer).
  assert.equal(v.state, 'accept', 'a stranger does not decide: the state is what our anchors\' praise calls for')
  assert.ok(v.evidence.strangers.negative > 0 && v.evidence.hearsay.positive > 0 && v.condemnedBy === 0)
  const praiseOnly = (v.evidence.hearsay.positive + 1) / (v.evidence.hearsay.positive + 2)
  assert.ok(v.score < praiseOnly - 0.05, `its warning lowers the score (${v.score}, praise alone ${praiseOnly})`)
  // A newcomer only the victim warns about stays unknown, with a lower score.
  report('victim', 'newcomer', 0, 2, t0 - HOUR)
  const n = m.view('newcomer', t0)
  assert.equal(n.state, 'unknown', 'a stranger\'s warning does not make a newcomer known')
  assert.ok(n.score < 0.5, `but it lowers the score below a newcomer's (${n.score})`)
})

test('a witness our anchors found a good provider is believed, as a stranger, when it says a peer cheated it; not when it praises, nor once caught disagreeing', () => {
  const store = new ReportStore()
  const t0 = 100 * HOUR
  const report = reportsInto(store)
  // Our anchors had good work from 'witness'; nobody we believe has checked its reports.
  for (const a of ['a1', 'a2']) report(a, 'witness', 3, 0, t0 - 20 * HOUR)
  // 'osc' served both anchors well, then cheated the witness (an oscillator between phases).
  report('a1', 'osc', 3, 0, t0 - 6 * HOUR)
  report('a2', 'osc', 3, 0, t0 - 6 * HOUR)
  report('witness', 'osc', 0, 2, t0 - 2 * HOUR)
  // A fresh key says the same about 'other', whom the anchors also had good work from: no anchor vouches for its work.
  report('a1', 'other', 3, 0, t0 - 6 * HOUR)
  report('a2', 'other', 3, 0, t0 - 6 * HOUR)
  report('sybil', 'other', 0, 2, t0 - 2 * HOUR)
  // The witness's praise of a newcomer is not believed this way.
  report('witness', 'newcomer', 5, 0, t0 - 2 * HOUR)
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => p === 'a1' || p === 'a2')
  assert.ok(m.credibility('witness', t0) < cfg.credibleThreshold, 'the witness is a stranger we could not check')
  const v = m.view('osc', t0)
  // Before: the witness was not believed, and the anchors' praise made 'osc' accepted.
  assert.notEqual(v.state, 'accept', `the witness is believed: the anchors' praise gives no credit (${v.state}, ${v.score})`)
  assert.equal(v.state, 'unknown', 'a stranger does not decide: the state stays unknown')
  assert.ok(v.score < 0.5 && v.evidence.strangers.negative > 0 && v.condemnedBy === 0, `its warning lowers the score (${v.score})`)
  assert.equal(m.view('other', t0).state, 'accept', 'a fresh key saying the same is not believed')
  const n = m.view('newcomer', t0)
  assert.ok(n.state === 'unknown' && n.credibleReporters === 0, 'its praise is not believed')
  // Once our own experience contradicts it (we know 'good' well; it calls 'good' a cheat), it is not believed about 'osc' either.
  for (let i = 0; i < 4; i++) m.record('good', 'ok', t0 - 3 * HOUR)
  report('witness', 'good', 0, 3, t0 - HOUR)
  assert.ok(m.credibility('witness', t0) < cfg.credibilityPrior, 'caught disagreeing')
  assert.equal(m.view('osc', t0).state, 'accept', 'a witness caught disagreeing is not believed about others')
})

test('copier Sybils: strangers made credible by copying our anchors\' public reports cannot take a peer our anchors praise out of accept', () => {
  // The chain (issue 17, holes left open by sessions h17 and r17c): throwaway keys republish, under
  // their own names and nudged past the exact-repeat check, what our anchors published about s1..s4.
  // The anchors deal with those peers again and publish: the copies now "reached us before the
  // anchors' evidence" and agree with it. Then the copiers say 'honest' cheated them. Before: they
  // were credible strangers, and one credible condemnation voided our anchors' praise of 'honest',
  // which fell out of `accept` (under `trust.policy: reputation`: refused work). Now strangers'
  // condemnation voids only strangers' praise, and strangers never change the state.
  const store = new ReportStore()
  const t0 = 100 * HOUR
  const report = reportsInto(store)
  const anchors = ['a1', 'a2']
  const subjects = ['s1', 's2', 's3', 's4']
  for (const a of anchors) for (const s of subjects) report(a, s, 3, 0, t0 - 10 * HOUR)
  for (const a of anchors) report(a, 'honest', 4, 0, t0 - 8 * HOUR)
  const copiers = Array.from({ length: 12 }, (_, k) => `copier${k}`)
  for (const [k, c] of copiers.entries()) for (const s of subjects) report(c, s, 3 + 0.001 * (k + 1), 0, t0 - 9 * HOUR)
  for (const a of anchors) for (const s of subjects) report(a, s, 4, 0, t0 - 5 * HOUR)
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => anchors.includes(p))
  assert.equal(m.view('honest', t0).state, 'accept', 'our anchors\' praise admits it')
  for (const c of copiers) report(c, 'honest', 0, 4, t0 - HOUR)
  const after = m.judge('honest', t0 + 1)
  assert.equal(after.state, 'accept', `copiers' condemnation took 'honest' out of accept: ${JSON.stringify(after.view)}`)
  assert.equal(after.entered, undefined)
  assert.equal(after.view.condemnedBy, 0, 'strangers never count as condemnations')
  assert.ok(after.view.evidence.hearsay.positive > 0, 'our anchors\' praise still counts')
  assert.ok(after.view.evidence.strangers.negative <= cfg.reporterCap * cfg.hearsayWeight + 1e-9, 'all twelve together weigh at most one reporter\'s cap')
})

test('a credible stranger\'s condemnation lowers the score but does not take a peer our anchors praise out of accept', () => {
  // However a stranger came to be believed — here it spoke about s1..s4 before our anchors did and
  // agreed with them (it could be guessing: most peers are good) — its word informs, never decides.
  const store = new ReportStore()
  const t0 = 100 * HOUR
  const report = reportsInto(store)
  for (const s of ['s1', 's2', 's3', 's4']) report('early', s, 2, 0, t0 - 12 * HOUR)
  for (const a of ['a1', 'a2']) for (const s of ['s1', 's2', 's3', 's4']) report(a, s, 3, 0, t0 - 10 * HOUR)
  for (const a of ['a1', 'a2']) report(a, 'honest', 4, 0, t0 - 8 * HOUR)
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => p === 'a1' || p === 'a2')
  assert.ok(m.credibility('early', t0) >= cfg.credibleThreshold && !m.related('early', t0), 'a credible stranger')
  const before = m.view('honest', t0)
  assert.equal(before.state, 'accept')
  report('early', 'honest', 0, 4, t0 - HOUR)
  const v = m.view('honest', t0)
  assert.equal(v.state, 'accept', `one credible stranger's condemnation took it out of accept: ${JSON.stringify(v)}`)
  assert.ok(v.score < before.score && v.evidence.strangers.negative > 0 && v.condemnedBy === 0, 'it informs: the score is lower')
})

/**
 * Issue 17's chain through vouching (session vouch17): `att` serves us well twice (related), vouches
 * for `keys` fresh identities (related by its vouch), which copy, nudged, what our anchors published
 * about s1..s4 before the anchors publish again (credible: hole 1, the second-hand check has no
 * anchor-side history). `copy` false: the keys say nothing about s1..s4; `vouch` false: no vouches.
 * Then every key says `honest` (a peer we never dealt with, no one else reports on) cheated it.
 */
function vouchedCopiers (opts: { copy: boolean, vouch: boolean, keys?: number }): { m: ReputationModel, keys: string[], t0: number, report: ReturnType<typeof reportsInto> } {
  const store = new ReportStore()
  const t0 = 100 * HOUR
  const report = reportsInto(store)
  const anchors = ['a1', 'a2']
  const subjects = ['s1', 's2', 's3', 's4']
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => anchors.includes(p))
  m.record('att', 'ok', t0 - 20 * HOUR); m.record('att', 'ok', t0 - 20 * HOUR)
  for (const a of anchors) for (const s of subjects) report(a, s, 3, 0, t0 - 10 * HOUR)
  const keys = Array.from({ length: opts.keys ?? cfg.condemnReporters }, (_, k) => `key${k}`)
  let seq = 1000
  if (opts.vouch) for (const k of keys) store.put({ issuer: 'att', subject: k, positive: 0, negative: 0, vouch: 1, seq: ++seq, issuedAt: t0 - 9 * HOUR, expiresAt: t0 + 48 * HOUR }, t0 - 9 * HOUR)
  if (opts.copy) for (const [i, k] of keys.entries()) for (const s of subjects) report(k, s, 3 + 0.001 * (i + 1), 0, t0 - 9 * HOUR)
  for (const a of anchors) for (const s of subjects) report(a, s, 4, 0, t0 - 5 * HOUR)
  for (const k of keys) report(k, 'honest', 0, 4, t0 - HOUR)
  return { m, keys, t0, report }
}

test('a voucher that served us well cannot mint deciders: vouched copiers count as one reporter, and cannot quarantine an honest peer', () => {
  // The chain: each key is related (vouched for by a peer that served us well) and credible
  // (copied). Before: six related, credible condemnations and no related supporter quarantined
  // `honest` on reports alone — condemnReporters (6) bought with two answered tasks and six free
  // keys. Now a vouch lends the voucher's voice; it does not multiply it: one voucher's vouchees
  // together count as one reporter (one condemnation, one reporter's cap of evidence) — no more
  // than `att` itself could say, and `att` answers for it with its own credibility.
  const { m, keys, t0 } = vouchedCopiers({ copy: true, vouch: true })
  for (const k of keys) assert.ok(m.related(k, t0) && m.credibility(k, t0) >= cfg.credibleThreshold, `${k} is related and credible (${m.credibility(k, t0)})`)
  const j = m.judge('honest', t0)
  assert.equal(j.entered, undefined, `vouched copiers quarantined an honest peer: ${JSON.stringify(j.view)}`)
  assert.notEqual(j.state, 'quarantined')
  assert.equal(j.view.condemnedBy, 1, 'one voucher\'s vouchees are one condemnation')
  assert.ok(j.view.evidence.hearsay.negative <= cfg.reporterCap * cfg.hearsayWeight + 1e-9, `they weigh one reporter's cap together: ${j.view.evidence.hearsay.negative}`)
  // One related condemnation still refuses a peer we have no experience of (refuseReporters 1):
  // what `att` could do alone, and does not multiply. Its own condemnation joins its vouchees'.
  assert.equal(j.state, 'refuse')
  const { m: m2, t0: t2, report } = vouchedCopiers({ copy: true, vouch: true })
  report('att', 'honest', 0, 4, t2 - HOUR)
  assert.equal(m2.view('honest', t2).condemnedBy, 1, 'the voucher and its vouchees are one voice')
})

test('the vouch chain\'s parts alone: vouched keys that did not copy are not believed; copiers nobody vouched for are strangers', () => {
  const plain = vouchedCopiers({ copy: false, vouch: true })
  assert.ok(plain.keys.every(k => plain.m.related(k, plain.t0) && plain.m.credibility(k, plain.t0) < cfg.credibleThreshold), 'related but not credible')
  const p = plain.m.judge('honest', plain.t0)
  assert.equal(p.view.condemnedBy, 0)
  assert.equal(p.state, 'unknown')
  const loose = vouchedCopiers({ copy: true, vouch: false })
  assert.ok(loose.keys.every(k => !loose.m.related(k, loose.t0) && loose.m.credibility(k, loose.t0) >= cfg.credibleThreshold), 'credible strangers')
  const l = loose.m.judge('honest', loose.t0)
  assert.equal(l.view.condemnedBy, 0)
  assert.equal(l.state, 'unknown', 'strangers do not make a peer known')
  assert.equal(l.entered, undefined)
})

test('an outcome folded into cached credibilities gives what a fresh computation gives', () => {
  const params = modelParams(cfg)
  const t0 = 10 * HOUR
  const store = new ReportStore()
  const anchors = new Set(['r0', 'r1'])
  const subjects = Array.from({ length: 12 }, (_, i) => `s${i}`)
  // Twenty reporters, honest, liars and a voucher, some reports in before our evidence (informative), some after.
  let seq = 1
  for (let i = 0; i < 20; i++) {
    for (const [k, subject] of subjects.entries()) {
      if ((i + k) % 3 === 0) continue
      const liar = i % 4 === 3
      const at = t0 - HOUR + i * 1000 + k
      store.put({ issuer: `r${i}`, subject, positive: liar ? 0 : 3, negative: liar ? 3 : k % 5 === 0 ? 2 : 0, vouch: 0, seq: seq++, issuedAt: at, expiresAt: at + 48 * HOUR }, i % 2 === 0 ? at : t0 + HOUR)
    }
  }
  store.put({ issuer: 's0', subject: 'r5', positive: 2, negative: 0, vouch: 1, seq: seq++, issuedAt: t0, expiresAt: t0 + 48 * HOUR }, t0)
  const book = (): QuarantineBook => new QuarantineBook({ baseMs: HOUR, maxMs: 100 * HOUR })
  const m = new ReputationModel('me', params, store, book(), p => anchors.has(p))
  const outcomes = ['ok', 'ok', 'failed', 'ok', 'invalid', 'ok', 'ok', 'ok'] as const
  for (const [k, subject] of subjects.entries()) m.record(subject, k % 5 === 0 ? 'failed' : 'ok', t0 + k)
  const reporters = Array.from({ length: 20 }, (_, i) => `r${i}`)
  // Cache every credibility, then record outcomes about subjects already among our latest dealings,
  // and about the voucher s0. The same moment throughout: a cached credibility is otherwise allowed
  // to be up to credibilityRefreshMs old, which a fresh computation is not.
  const now = t0 + 100
  for (const r of reporters) m.credibility(r, now)
  for (const [k, o] of outcomes.entries()) {
    m.record(subjects[k % 3], o, now)
    m.record('s0', 'ok', now)
  }
  const fresh = new ReputationModel('me', params, store, book(), p => anchors.has(p))
  for (const subject of subjects) fresh.setDirect(subject, m.directRaw(subject)!)
  for (const r of reporters) {
    assert.ok(Math.abs(m.credibility(r, now) - fresh.credibility(r, now)) < 1e-9, `${r}: folded ${m.credibility(r, now)}, fresh ${fresh.credibility(r, now)}`)
    assert.equal(m.related(r, now), fresh.related(r, now), `${r} related`)
  }
  assert.ok(reporters.some(r => m.credibility(r, now) !== m.credibility('nobody', now)), 'the outcomes moved some credibility')
  // Who speaks with whose voice (r5 with its voucher s0's) is folded in too: the views count alike.
  for (const subject of subjects) {
    const [v, w] = [m.view(subject, now), fresh.view(subject, now)]
    assert.deepEqual([v.state, v.condemnedBy, v.supportedBy, v.credibleReporters], [w.state, w.condemnedBy, w.supportedBy, w.credibleReporters], subject)
  }
})

test('a kinder report dated before a peer cheated us is an outdated view, not a lie; the same praise after it is', () => {
  const store = new ReportStore()
  const m = new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }))
  const t0 = 1_000_000
  for (let i = 0; i < 3; i++) { m.record('witness', 'ok', t0); m.record('osc', 'ok', t0) }
  store.put({ issuer: 'witness', subject: 'osc', positive: 3, negative: 0, vouch: 0, seq: 1, issuedAt: t0, expiresAt: t0 + 24 * HOUR })
  m.record('osc', 'invalid', t0 + HOUR)
  assert.ok(m.credibility('witness', t0 + 2 * HOUR) >= cfg.credibleThreshold, 'it praised osc before osc cheated us')
  store.put({ issuer: 'witness', subject: 'osc', positive: 3, negative: 0, vouch: 0, seq: 2, issuedAt: t0 + 2 * HOUR, expiresAt: t0 + 24 * HOUR })
  assert.ok(m.credibility('witness', t0 + 2 * HOUR) < cfg.credibleThreshold, 'it still praises osc after osc cheated us')
  // Our own reports keep the date of their evidence when republished, so others can tell the same.
  const raw = m.directRaw('osc')!
  assert.equal(reportableEvidence(raw, t0 + 5 * HOUR, cfg.reportTtlMs, m.params).at, t0 + HOUR)
  assert.equal(reportableEvidence(raw, t0 + 10 * 24 * HOUR, cfg.reportTtlMs, m.params).at, t0 + 10 * 24 * HOUR, 're-dated once it would outlive the allowed lifetime')
})

test('condemnation by credible reporters refuses a peer; quarantine on reports alone needs more of them and no credible supporter', () => {
  const t0 = 1_000_000
  const reporters = Array.from({ length: cfg.condemnReporters }, (_, i) => `r${i}`)
  // A fresh observer whose anchors (trusted by handshake) are the reporters and a fan.
  const observer = (): { m: ReputationModel, say: (issuer: string, subject: string, positive: number, negative: number) => void } => {
    const store = new ReportStore()
    let seq = 0
    return {
      m: new ReputationModel('me', modelParams(cfg), store, new QuarantineBook({ baseMs: HOUR, maxMs: HOUR }), p => reporters.includes(p) || p === 'fan'),
      say: (issuer, subject, positive, negative) => { store.put({ issuer, subject, positive, negative, vouch: 0, seq: ++seq, issuedAt: t0, expiresAt: t0 + HOUR }) }
    }
  }
  // Two condemnations (one invalid result each) against four good reports: refused, not quarantined.
  const a = observer()
  for (const r of reporters.slice(0, cfg.refuseReporters)) a.say(r, 'osc', 0, 2)
  for (const r of reporters.slice(cfg.refuseReporters, cfg.refuseReporters + 4)) a.say(r, 'osc', 3, 0)
  const osc = a.m.judge('osc', t0)
  assert.equal(osc.state, 'refuse')
  assert.equal(osc.entered, undefined)
  // Our own good experience of it is not overruled.
  for (let i = 0; i < 3; i++) a.m.record('osc', 'ok', t0)
  assert.equal(a.m.judge('osc', t0).state, 'accept')
  // Enough credible reporters condemn a peer nobody speaks well of: quarantined on reports alone.
  const b = observer()
  for (const r of reporters) b.say(r, 'bad', 0, 2)
  assert.equal(b.m.judge('bad', t0).entered?.reason, `reported malicious by ${cfg.condemnReporters} credible reporters`)
  // The same condemnations while one credible reporter speaks well of it: refused, not quarantined.
  const c = observer()
  for (const r of reporters) c.say(r, 'contested', 0, 2)
  c.say('fan', 'contested', 4, 0)
  const contested = c.m.judge('contested', t0)
  assert.equal(contested.entered, undefined)
  assert.equal(contested.state, 'refuse')
})

test('the simulation counts an oscillating peer\'s good answers as served by it but not as bad answers', () => {
  // Uniform choice (model none), 12 rounds: 8 of good service, then 4 of bad.
  const row = runOne({ model: 'none', attack: 'oscillation', agents: 40, malicious: 0.5, rounds: 12, seed: 1, config: defaultReputationConfig() })
  assert.ok(row.badByMalicious > 0, JSON.stringify(row))
  assert.ok(row.badByMalicious < row.servedByMalicious / 2, JSON.stringify(row))
})

test('the simulation runs in --quick mode and prints rows for all three models', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/sim-reputation.ts', '--quick', '--json'], { timeout: 120_000 })
  const { rows } = JSON.parse(stdout)
  assert.deepEqual(new Set(rows.map((r: any) => r.model)), new Set(['agentwire', 'eigentrust', 'none']))
  for (const r of rows) for (const k of ['model', 'attack', 'malicious', 'servedByMalicious', 'badByMalicious', 'honestSuccess', 'falseQuarantine', 'roundsToQuarantine']) assert.ok(k in r)
  // --quick runs attacks in which every malicious answer is bad, so there the requests answered
  // badly by malicious agents are all the requests they served (the test above covers the others).
  for (const r of rows) assert.equal(r.badByMalicious, r.servedByMalicious, JSON.stringify(r))
  const aw = rows.filter((r: any) => r.model === 'agentwire')
  const none = rows.filter((r: any) => r.model === 'none')
  assert.ok(aw.every((r: any, i: number) => r.servedByMalicious < none[i].servedByMalicious))
})

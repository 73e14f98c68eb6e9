// Second-hand credibility checks are kept and shared among observers of one store
// (src/reputation/second-hand.ts): every answer must be exactly what walking the reporter's reports
// afresh gives, whatever changes between calls (reports, the moment, an observer's anchor opinions,
// the subjects it skips). And ReportStore's kept issuer lookup must follow every change of issuers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReportStore, modelParams, defaultReputationConfig } from '../src/reputation/index.ts'
import { secondHandTerm } from '../src/reputation/second-hand.ts'
import { CHEATER_CHECK_WEIGHT, SECOND_HAND_CHECKS, SECOND_HAND_WEIGHT, agreementTerm, type Term } from '../src/reputation/credibility.ts'
import { condemns } from '../src/reputation/evidence.ts'
import type { AnchorOpinion } from '../src/reputation/anchor-opinion.ts'
import { Rng } from '../scripts/lib/rng.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)

/** The loop as it was in model.ts before the checks were kept: the reference. */
function fresh (store: ReportStore, reporter: string, skip: (s: string) => boolean, anchor: (s: string) => AnchorOpinion | undefined, now: number, p: ReturnType<typeof modelParams>): Term {
  const second: Term = [0, 0]
  let checks = 0
  for (const r of store.by(reporter)) {
    if (skip(r.subject)) continue
    const a = anchor(r.subject)
    const t = a == null ? undefined : agreementTerm(store, r, a.evidence, a.at, condemns(a.evidence) ? CHEATER_CHECK_WEIGHT : SECOND_HAND_WEIGHT, now, p)
    if (t != null) { second[0] += t[0]; second[1] += t[1] }
    if (++checks >= SECOND_HAND_CHECKS) break
  }
  return second
}

test('kept second-hand checks give exactly the fresh sums through report changes, new moments, other anchor opinions and skips', () => {
  const p = modelParams(defaultReputationConfig(), HOUR - 1)
  const rng = new Rng(17)
  const store = new ReportStore({ maxReports: 1_000_000, maxReportersPerSubject: Infinity })
  const subjects = Array.from({ length: 300 }, (_, i) => 's' + i)
  const reporters = Array.from({ length: 12 }, (_, i) => 'r' + i)
  let seq = 0
  const put = (issuer: string, subject: string, now: number): void => {
    store.put({ issuer, subject, positive: rng.int(6), negative: rng.int(3) * 2, vouch: 0, seq: ++seq, issuedAt: now - rng.int(5) * HOUR, expiresAt: now + 48 * HOUR }, now - rng.int(3) * HOUR)
  }
  // Two reporters with more reports than are made ready at first (so the rest are added on demand).
  for (const r of reporters) for (const s of rng.sample(subjects, r === 'r0' || r === 'r1' ? 250 : 40)) put(r, s, T0)
  let compared = 0
  let nonZero = 0
  for (let round = 0; round < 6; round++) {
    const now = T0 + round * HOUR
    // Two anchor sources: one shared, one whose opinions are equal copies or differ.
    const shared = new Map<string, AnchorOpinion | undefined>()
    for (const s of subjects) shared.set(s, rng.bool(0.8) ? { evidence: { positive: rng.int(8), negative: rng.int(4) * 1.5 }, at: now - rng.int(4) * HOUR } : undefined)
    const copies = (s: string): AnchorOpinion | undefined => { const a = shared.get(s); return a == null || rng.bool(0.5) ? a : rng.bool(0.5) ? { evidence: { ...a.evidence }, at: a.at } : { evidence: { positive: a.evidence.positive + 1, negative: a.evidence.negative }, at: a.at } }
    for (let observer = 0; observer < 30; observer++) {
      // Observers skip from none to 200 subjects (more than the model ever does).
      const skipped = new Set(rng.sample(subjects, [0, 5, 64, 200][observer % 4]))
      const skip = (s: string): boolean => skipped.has(s)
      const source = observer % 3 === 0 ? copies : (s: string) => shared.get(s)
      // The same answers for both: ask the source once per subject, as a model's cache does.
      const seen = new Map<string, AnchorOpinion | undefined>()
      const anchor = (s: string): AnchorOpinion | undefined => { if (!seen.has(s)) seen.set(s, source(s)); return seen.get(s) }
      for (const r of rng.sample(reporters, 6)) {
        const want = fresh(store, r, skip, anchor, now, p)
        assert.deepEqual(secondHandTerm(store, r, skip, anchor, now, p), want, `round ${round}, observer ${observer}, reporter ${r}`)
        compared++
        if (want[0] !== 0 || want[1] !== 0) nonZero++
      }
      // Reports change within the moment: some reporters republish or add reports.
      if (observer % 7 === 0) for (const r of rng.sample(reporters, 2)) put(r, rng.pick(subjects), now)
      if (observer === 20 && round === 3) store.dropIssuer('r5')
    }
  }
  assert.ok(nonZero > compared / 2, `most sums compared are not zero (${nonZero} of ${compared})`)
})

test('the store follows an issuer that is dropped, pruned away or comes back, however it was looked up before', () => {
  const store = new ReportStore()
  const put = (issuer: string, subject: string, seq: number, expiresAt = T0 + HOUR): void => { store.put({ issuer, subject, positive: 1, negative: 0, vouch: 0, seq, issuedAt: T0, expiresAt }, T0) }
  assert.equal(store.get('a', 'x'), undefined)
  assert.equal(store.countBy('a'), 0)
  put('a', 'x', 1)
  assert.equal(store.get('a', 'x')?.seq, 1)
  assert.equal(store.countBy('a'), 1)
  store.dropIssuer('a')
  assert.equal(store.get('a', 'x'), undefined)
  assert.equal(store.countBy('a'), 0)
  put('a', 'y', 2)
  assert.deepEqual([...store.by('a')].map(r => r.subject), ['y'])
  store.prune(T0 + 2 * HOUR)
  assert.equal(store.countBy('a'), 0)
  assert.equal(store.get('a', 'y'), undefined)
  put('a', 'z', 3, T0 + 5 * HOUR)
  assert.equal(store.get('a', 'z')?.seq, 3)
  assert.equal(store.countBy('a'), 1)
})

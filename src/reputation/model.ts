// The aggregation model: one observer's view of every subject, from its own (direct) evidence and
// other issuers' reports (hearsay). Beta reputation: score = (P + 1) / (P + N + 2), where P and N are
// decayed positive and negative evidence (negative fades slower). Hearsay is weighted by each
// reporter's credibility (how well its reports agree with this observer's own experience of the same
// subjects), capped per reporter, and ignored until enough distinct reporters speak. Pure and
// synchronous: the node and the simulation (scripts/sim-reputation.ts) run exactly this code.
import type { ReportBody } from './report.ts'
import type { ReportStore } from './report-store.ts'
import type { QuarantineBook, QuarantineRecord } from './quarantine.ts'
import { MAX_DIRECT_SUBJECTS } from './constants.ts'

export type Outcome = 'ok' | 'failed' | 'timeout' | 'invalid' | 'malicious'
export const OUTCOMES: readonly Outcome[] = ['ok', 'failed', 'timeout', 'invalid', 'malicious']

export type ReputationState = 'accept' | 'throttle' | 'refuse' | 'quarantined' | 'unknown'

/**
 * What one outcome adds to the evidence. A wrong answer costs more than a failure (which may be the
 * network's fault), and a proven malicious act costs enough to quarantine on its own.
 */
export const OUTCOME_WEIGHTS: Record<Outcome, { positive: number, negative: number }> = {
  ok: { positive: 1, negative: 0 },
  failed: { positive: 0, negative: 0.5 },
  timeout: { positive: 0, negative: 0.5 },
  invalid: { positive: 0, negative: 2 },
  malicious: { positive: 0, negative: 4 }
}

export interface ModelParams {
  /** Half-life of positive evidence, in ms. */
  positiveHalfLifeMs: number
  /** Half-life of negative evidence, in ms (longer: bad behaviour is remembered longer). */
  negativeHalfLifeMs: number
  /** Score at or above which a peer is accepted (given work). */
  acceptScore: number
  /** Score below which a peer is refused. Between the two: throttled. */
  refuseScore: number
  /** Score below which a peer is quarantined, given enough evidence. */
  quarantineScore: number
  /** Evidence (decayed P + N) below which a peer is `unknown`. */
  minEvidence: number
  /** Evidence needed before a low score may quarantine. */
  quarantineMinEvidence: number
  /** Weight of hearsay relative to direct evidence. */
  hearsayWeight: number
  /** Most evidence a single reporter may contribute to one view. */
  reporterCap: number
  /** Distinct reporters needed before hearsay counts at all. */
  minReporters: number
  /** Credibility of a reporter we cannot check yet (no subject in common). */
  credibilityPrior: number
  /** Credibility from which a reporter may help quarantine a peer. */
  credibleThreshold: number
  /** Largest gap between two Beta means still counted as agreement. */
  agreementTolerance: number
  /** Credible reporters needed to quarantine on their reports alone. */
  condemnReporters: number
  /** How long a computed credibility is reused, in ms. */
  credibilityRefreshMs: number
  /** Most pseudo-positive evidence vouches may give a newcomer. */
  vouchMaxStake: number
  /** Negative evidence a voucher takes per unit of stake when its newcomer is refused. */
  vouchPenalty: number
}

export interface Evidence { positive: number, negative: number }

/** Evidence as of a moment; decays from `at`. */
export interface DatedEvidence extends Evidence { at: number }

export interface View {
  subject: string
  score: number
  /** State from evidence alone; the quarantine book may override it with `quarantined`. */
  state: ReputationState
  evidence: { direct: Evidence, hearsay: Evidence, vouch: Evidence }
  /** Reporters with a live report about the subject (credible or not). */
  reporters: number
  credibleReporters: number
  /** Credible reporters whose report says "mostly bad". */
  condemnedBy: number
  /** Newest evidence of any kind, ms since the epoch (0 if none). */
  latestEvidenceAt: number
}

export interface Judgement { view: View, state: ReputationState, entered?: QuarantineRecord }

// Reporters below credibility who may still count in one view: a flood of fresh identities cannot
// make one view expensive or drown the credible ones.
const MAX_LOW_CREDIBILITY_REPORTERS = 64

const LN2 = Math.log(2)

export function decay (e: DatedEvidence, now: number, p: ModelParams): Evidence {
  const dt = Math.max(0, now - e.at)
  if (dt === 0) return { positive: e.positive, negative: e.negative }
  return {
    positive: e.positive * Math.exp(-LN2 * dt / p.positiveHalfLifeMs),
    negative: e.negative * Math.exp(-LN2 * dt / p.negativeHalfLifeMs)
  }
}

export function betaScore (e: Evidence): number {
  return (e.positive + 1) / (e.positive + e.negative + 2)
}

/** A report that says "mostly bad, with some weight behind it". */
function condemns (e: Evidence): boolean {
  return e.negative >= 2 && e.negative >= 3 * e.positive
}

function reportEvidence (r: ReportBody, now: number, p: ModelParams): Evidence {
  return decay({ positive: r.positive, negative: r.negative, at: r.issuedAt }, now, p)
}

export class ReputationModel {
  readonly self: string
  readonly params: ModelParams
  readonly store: ReportStore
  readonly book: QuarantineBook
  private readonly direct = new Map<string, DatedEvidence>()
  private readonly credCache = new Map<string, { value: number, at: number }>()

  constructor (self: string, params: ModelParams, store: ReportStore, book: QuarantineBook) {
    this.self = self
    this.params = params
    this.store = store
    this.book = book
  }

  /** A new report from `issuer` arrived: its credibility must be recomputed. */
  noteReport (issuer: string): void {
    this.credCache.delete(issuer)
  }

  /** Add one outcome to our own evidence about `subject`; returns the evidence as of `now`. */
  record (subject: string, outcome: Outcome, now: number): DatedEvidence {
    // Our own experience changed, so every reporter's agreement with it may have too.
    this.credCache.clear()
    const w = OUTCOME_WEIGHTS[outcome]
    const d = this.directNow(subject, now)
    const next: DatedEvidence = { positive: d.positive + w.positive, negative: d.negative + w.negative, at: now }
    this.direct.delete(subject) // re-insert: Map order doubles as least-recently-updated order
    this.direct.set(subject, next)
    if (this.direct.size > MAX_DIRECT_SUBJECTS) this.direct.delete(this.direct.keys().next().value!)
    return next
  }

  /** Replace our evidence about a subject (loading from disk, or the operator forgiving it). */
  setDirect (subject: string, e: DatedEvidence): void {
    this.direct.set(subject, e)
  }

  directNow (subject: string, now: number): Evidence {
    const d = this.direct.get(subject)
    return d == null ? { positive: 0, negative: 0 } : decay(d, now, this.params)
  }

  directRaw (subject: string): DatedEvidence | undefined {
    return this.direct.get(subject)
  }

  directSubjects (): Iterable<string> {
    return this.direct.keys()
  }

  /**
   * How far we believe `reporter`: agreements and (triply counted) disagreements between its reports
   * and our own experience of the same subjects, shrunk towards the prior.
   */
  credibility (reporter: string, now: number): number {
    const cached = this.credCache.get(reporter)
    if (cached != null && now - cached.at < this.params.credibilityRefreshMs) return cached.value
    const p = this.params
    let agree = 0
    let disagree = 0
    const check = (subject: string, r: ReportBody): void => {
      const d = this.directNow(subject, now)
      if (d.positive + d.negative < 0.5) return
      const e = reportEvidence(r, now, p)
      if (e.positive + e.negative < 0.5) return
      if (Math.abs(betaScore(d) - betaScore(e)) <= p.agreementTolerance) agree++
      else disagree++
    }
    if (this.store.countBy(reporter) <= this.direct.size) {
      for (const r of this.store.by(reporter)) if (this.direct.has(r.subject)) check(r.subject, r)
    } else {
      for (const subject of this.direct.keys()) {
        const r = this.store.get(reporter, subject)
        if (r != null) check(subject, r)
      }
    }
    const k = 2
    const value = (agree + k * p.credibilityPrior) / (agree + 3 * disagree + k)
    this.credCache.set(reporter, { value, at: now })
    return value
  }

  /** Direct and hearsay evidence, without vouches (what vouching itself is judged on). */
  private baseView (subject: string, now: number): View {
    const p = this.params
    const direct = this.directNow(subject, now)
    let latestEvidenceAt = this.direct.get(subject)?.at ?? 0
    let hp = 0
    let hn = 0
    let reporters = 0
    let low = 0
    let credibleReporters = 0
    let condemnedBy = 0
    let condemnWeight = 0
    let supportWeight = 0
    for (const r of this.store.about(subject)) {
      if (r.issuer === this.self || r.expiresAt <= now) continue
      const e = reportEvidence(r, now, p)
      const total = e.positive + e.negative
      if (total < 0.01) continue
      const c = this.credibility(r.issuer, now)
      // Only reporters whose reports have matched our own experience count: a crowd of unchecked
      // identities (Sybils, a clique, ballot stuffers) weighs nothing until it has been right.
      if (c < p.credibleThreshold) {
        if (++low <= MAX_LOW_CREDIBILITY_REPORTERS) reporters++
        continue
      }
      const scale = total > p.reporterCap ? p.reporterCap / total : 1
      hp += c * e.positive * scale
      hn += c * e.negative * scale
      reporters++
      credibleReporters++
      if (r.issuedAt > latestEvidenceAt) latestEvidenceAt = r.issuedAt
      if (condemns(e)) { condemnedBy++; condemnWeight += c } else supportWeight += c
    }
    // Condemnation needs a credible majority, not just a credible clique.
    if (condemnWeight <= supportWeight) condemnedBy = 0
    const hearsay = credibleReporters >= p.minReporters
      ? { positive: hp * p.hearsayWeight, negative: hn * p.hearsayWeight }
      : { positive: 0, negative: 0 }
    return this.finish(subject, direct, hearsay, { positive: 0, negative: 0 }, reporters, credibleReporters, condemnedBy, latestEvidenceAt)
  }

  private finish (subject: string, direct: Evidence, hearsay: Evidence, vouch: Evidence, reporters: number, credibleReporters: number, condemnedBy: number, latestEvidenceAt: number): View {
    const p = this.params
    const all = { positive: direct.positive + hearsay.positive + vouch.positive, negative: direct.negative + hearsay.negative + vouch.negative }
    const score = betaScore(all)
    const evidence = all.positive + all.negative
    const state: ReputationState = evidence < p.minEvidence
      ? 'unknown'
      : score >= p.acceptScore ? 'accept' : score >= p.refuseScore ? 'throttle' : 'refuse'
    return { subject, score, state, evidence: { direct, hearsay, vouch }, reporters, credibleReporters, condemnedBy, latestEvidenceAt }
  }

  /** Our whole view of a subject: direct, hearsay, and vouches for it or by it. */
  view (subject: string, now: number): View {
    const base = this.baseView(subject, now)
    const p = this.params
    // Vouches for this subject: pseudo-positive evidence from vouchers we accept, for a newcomer only.
    let bonus = 0
    const own = base.evidence.direct.positive + base.evidence.direct.negative + base.evidence.hearsay.positive + base.evidence.hearsay.negative
    if (own < p.vouchMaxStake * 2) {
      for (const r of this.store.about(subject)) {
        if (r.vouch <= 0 || r.expiresAt <= now || r.issuer === this.self) continue
        if (this.baseView(r.issuer, now).state === 'accept') bonus += r.vouch
        if (bonus >= p.vouchMaxStake) break
      }
    }
    // Vouches by this subject for newcomers that went bad cost it negative evidence.
    let penalty = 0
    for (const r of this.store.vouchedBy(subject)) {
      if (r.expiresAt <= now) continue
      const s = this.baseView(r.subject, now).state
      if (s === 'refuse') penalty += Math.min(r.vouch, p.vouchMaxStake) * p.vouchPenalty
    }
    if (bonus === 0 && penalty === 0) return base
    return this.finish(subject, base.evidence.direct, base.evidence.hearsay, { positive: Math.min(bonus, p.vouchMaxStake), negative: penalty }, base.reporters, base.credibleReporters, base.condemnedBy, base.latestEvidenceAt)
  }

  /** Why this view warrants quarantine, or null. */
  quarantineReason (v: View): string | null {
    const p = this.params
    const d = v.evidence.direct
    const directTotal = d.positive + d.negative
    if (d.negative >= p.quarantineMinEvidence && betaScore(d) < p.quarantineScore) return 'own experience far below threshold'
    // Our own good experience outweighs what others say.
    const ownGood = directTotal >= p.minEvidence && betaScore(d) >= p.acceptScore
    if (ownGood) return null
    if (v.condemnedBy >= p.condemnReporters) return `reported malicious by ${v.condemnedBy} credible reporters`
    const total = directTotal + v.evidence.hearsay.positive + v.evidence.hearsay.negative + v.evidence.vouch.negative
    if (v.credibleReporters >= p.minReporters && total >= p.quarantineMinEvidence && v.score < p.quarantineScore) return 'score far below threshold'
    return null
  }

  /**
   * The verdict on a subject now: its view, its state, and a new quarantine if the evidence calls
   * for one (entered in the book, which the caller then acts on).
   */
  judge (subject: string, now: number): Judgement {
    const view = this.view(subject, now)
    if (this.book.isActive(subject, now)) return { view, state: 'quarantined' }
    const reason = this.quarantineReason(view)
    if (reason != null && this.book.mayEnter(subject, view.latestEvidenceAt, now)) {
      return { view, state: 'quarantined', entered: this.book.enter(subject, reason, now) }
    }
    return { view, state: view.state }
  }

  /** Forget cached credibilities (after our own evidence changed a lot, or in tests). */
  clearCredibility (): void {
    this.credCache.clear()
  }
}

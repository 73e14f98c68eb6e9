// The aggregation model: one observer's view of every subject, from its own (direct) evidence and
// other issuers' reports (hearsay). Beta reputation: score = (P + 1) / (P + N + 2), where P and N are
// decayed positive and negative evidence (negative fades slower). Hearsay is weighted by each
// reporter's credibility (how well its reports agree with this observer's own experience of the same
// subjects), capped per reporter, and ignored until enough distinct reporters speak. Pure and
// synchronous: the node and the simulation (scripts/sim-reputation.ts) run exactly this code.
import type { ReportBody } from './report.ts'
import type { ReportStore } from './report-store.ts'
import type { QuarantineBook, QuarantineRecord } from './quarantine.ts'
import { MAX_DIRECT_SUBJECTS, MAX_REPORT_TTL_MS } from './constants.ts'

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
  /** Peers a reporter may report on at full weight; beyond that its weight is shared out. */
  reportBudget: number
  /** Distinct reporters needed before hearsay counts at all. */
  minReporters: number
  /** Credibility of a reporter we cannot check yet (no subject in common). */
  credibilityPrior: number
  /** Starting credibility of a reporter that has served this observer well (own evidence says accept). */
  servedWellPrior: number
  /** Credibility from which a reporter may help quarantine a peer. */
  credibleThreshold: number
  /** Largest gap between two Beta means still counted as agreement. */
  agreementTolerance: number
  /** Half-life of a report's weight in a reporter's credibility, in ms: recent reports speak loudest. */
  credibilityHalfLifeMs: number
  /** Share of positive evidence kept when a peer returns an invalid or malicious result. */
  betrayalKeep: number
  /** Credible reporters needed to quarantine on their reports alone. */
  condemnReporters: number
  /** Credible reporters whose condemnation alone makes a peer `refuse` (unless our own experience is good); 0 turns this off. */
  refuseReporters: number
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
  /** `hearsay` includes `strangers`: the part of it from credible reporters with no relationship to us, bounded, that may inform but never decide. */
  evidence: { direct: Evidence, hearsay: Evidence, vouch: Evidence, strangers: Evidence }
  /** Reporters with a live report about the subject (credible or not). */
  reporters: number
  credibleReporters: number
  /** Credible reporters with a relationship to us (see `related`) whose report says "mostly bad". */
  condemnedBy: number
  /** Credible reporters with a relationship to us whose report says "good" (a score at or above acceptScore). */
  supportedBy: number
  /** Newest evidence of any kind, ms since the epoch (0 if none). */
  latestEvidenceAt: number
}

export interface Judgement { view: View, state: ReputationState, entered?: QuarantineRecord }

// Reporters below credibility who may still count in one view: a flood of fresh identities cannot
// make one view expensive or drown the credible ones.
const MAX_LOW_CREDIBILITY_REPORTERS = 64
/** How many of our latest direct subjects a reporter's credibility is checked against. */
const CREDIBILITY_SAMPLE = 64
/** Reports of one reporter compared with our anchors' view, at most, and the weight of each such check. */
const SECOND_HAND_CHECKS = 64
const SECOND_HAND_WEIGHT = 0.5
/**
 * Weight of a check about a peer caught cheating (by us, or by our anchors together): saying it
 * cheated is what liars and accomplices do not do, praising it after it was caught is what they do.
 */
const CHEATER_CHECK_WEIGHT = 3
/** Entries each per-peer cache (credibilities, anchor opinions) keeps at most: a flood of fresh identities must not grow memory for ever. */
const MAX_CACHED_PER_PEER = 20_000

const LN2 = Math.log(2)

export function decay (e: DatedEvidence, now: number, p: ModelParams): Evidence {
  const dt = Math.max(0, now - e.at)
  if (dt === 0) return { positive: e.positive, negative: e.negative }
  return {
    positive: e.positive * Math.exp(-LN2 * dt / p.positiveHalfLifeMs),
    negative: e.negative * Math.exp(-LN2 * dt / p.negativeHalfLifeMs)
  }
}

/**
 * What a report about our own evidence carries: the counts as of the last outcome, dated then, so a
 * republished report still says how old its evidence is (others use that to tell an outdated view
 * from a lie). Re-dated to `now`, decayed, once that date would make the report outlive the allowed
 * lifetime.
 */
export function reportableEvidence (raw: DatedEvidence | undefined, now: number, ttlMs: number, p: ModelParams): DatedEvidence {
  if (raw == null) return { positive: 0, negative: 0, at: now }
  if (raw.at <= now && now + ttlMs - raw.at <= MAX_REPORT_TTL_MS) return raw
  return { ...decay(raw, now, p), at: now }
}

export function betaScore (e: Evidence): number {
  return (e.positive + 1) / (e.positive + e.negative + 2)
}

/** A report that says "mostly bad, with some weight behind it": one invalid result (a little decayed), or three failures. */
function condemns (e: Evidence): boolean {
  return e.negative >= 1.5 && e.negative >= 3 * e.positive
}

/** Enough of our own evidence, and good: what others say does not overrule it. */
function ownExperienceGood (d: Evidence, p: ModelParams): boolean {
  return d.positive + d.negative >= p.minEvidence && betaScore(d) >= p.acceptScore
}

function reportEvidence (r: ReportBody, now: number, p: ModelParams): Evidence {
  return decay({ positive: r.positive, negative: r.negative, at: r.issuedAt }, now, p)
}

/** What an observer's anchors, together, report about a subject: their summed evidence, and the date of the newest. */
export interface AnchorOpinion { evidence: Evidence, at: number }
/** Where a model gets its anchors' opinion of a subject (the simulation shares one among observers with the same anchors). */
export type AnchorOpinionSource = (subject: string, now: number) => AnchorOpinion | undefined

/** The anchors' opinion of `subject`, from the reports in `store`; undefined when no anchor reports on it. */
export function anchorOpinionFrom (store: ReportStore, isAnchor: (peer: string) => boolean, subject: string, now: number, p: ModelParams): AnchorOpinion | undefined {
  let positive = 0
  let negative = 0
  let at = -1
  for (const r of store.about(subject)) {
    if (r.expiresAt <= now || !isAnchor(r.issuer)) continue
    const e = reportEvidence(r, now, p)
    positive += e.positive
    negative += e.negative
    if (r.issuedAt > at) at = r.issuedAt
  }
  return at < 0 ? undefined : { evidence: { positive, negative }, at }
}

export class ReputationModel {
  readonly self: string
  readonly params: ModelParams
  readonly store: ReportStore
  readonly book: QuarantineBook
  private readonly direct = new Map<string, DatedEvidence>()
  /** Credibilities computed at `at`, valid until the refresh interval passes, the reporter's reports
   * change (the store's `version` then passes `version`), or our evidence about it or its subjects does. */
  private readonly credCache = new Map<string, { value: number, related: boolean, at: number, version: number }>()
  /**
   * The subjects of our latest direct evidence, newest last, at most CREDIBILITY_SAMPLE: what a
   * reporter is checked against. Recent dealings say most about a reporter now, and the cost of a
   * credibility stays bounded however many peers we have dealt with.
   */
  private readonly recent = new Set<string>()

  private readonly isAnchor: (peer: string) => boolean
  private readonly anchorSource: AnchorOpinionSource
  private readonly anchorCache = new Map<string, { opinion: AnchorOpinion | undefined, at: number }>()

  /**
   * `isAnchor`: peers this observer trusts out of band (approved by handshake on a node, the
   * pre-trusted peers in the simulation). Their reports start out believed, as a peer that served
   * us well does, so a large network does not wait for overlap before hearsay counts.
   */
  constructor (self: string, params: ModelParams, store: ReportStore, book: QuarantineBook, isAnchor: (peer: string) => boolean = () => false, anchorSource?: AnchorOpinionSource) {
    this.self = self
    this.params = params
    this.store = store
    this.book = book
    this.isAnchor = isAnchor
    this.anchorSource = anchorSource ?? ((subject, now) => anchorOpinionFrom(store, isAnchor, subject, now, params))
  }

  /** Our anchors' opinion of a subject, recomputed at most once per credibility refresh. */
  private anchorOpinion (subject: string, now: number): AnchorOpinion | undefined {
    const cached = this.anchorCache.get(subject)
    if (cached != null && now - cached.at < this.params.credibilityRefreshMs) return cached.opinion
    if (this.anchorCache.size >= MAX_CACHED_PER_PEER) this.anchorCache.clear()
    const opinion = this.anchorSource(subject, now)
    this.anchorCache.set(subject, { opinion, at: now })
    return opinion
  }

  /** Add one outcome to our own evidence about `subject`; returns the evidence as of `now`. */
  record (subject: string, outcome: Outcome, now: number): DatedEvidence {
    this.forgetCredibilityTouching(subject)
    const w = OUTCOME_WEIGHTS[outcome]
    const d = this.directNow(subject, now)
    // A wrong answer after good ones is how camouflage and oscillation work: good history does not
    // buy a bad act, so most of it is forgotten (failures and timeouts may be the network's fault).
    const kept = outcome === 'invalid' || outcome === 'malicious' ? d.positive * this.params.betrayalKeep : d.positive
    const next: DatedEvidence = { positive: kept + w.positive, negative: d.negative + w.negative, at: now }
    this.direct.delete(subject) // re-insert: Map order doubles as least-recently-updated order
    this.direct.set(subject, next)
    this.noteRecent(subject)
    if (this.direct.size > MAX_DIRECT_SUBJECTS) this.direct.delete(this.direct.keys().next().value!)
    return next
  }

  /** Replace our evidence about a subject (loading from disk, or the operator forgiving it). */
  setDirect (subject: string, e: DatedEvidence): void {
    this.forgetCredibilityTouching(subject)
    this.direct.delete(subject)
    this.direct.set(subject, e)
    this.noteRecent(subject)
  }

  /**
   * Our evidence about `subject` changed: forget the credibilities it feeds — the subject's own (it
   * may have served us well or cheated us) and those of everyone who reported on it (agreement).
   */
  private forgetCredibilityTouching (subject: string): void {
    this.credCache.delete(subject)
    for (const r of this.store.about(subject)) this.credCache.delete(r.issuer)
  }

  private noteRecent (subject: string): void {
    this.recent.delete(subject) // re-insert: Set order is oldest first
    this.recent.add(subject)
    if (this.recent.size > CREDIBILITY_SAMPLE) {
      const oldest = this.recent.values().next().value!
      this.recent.delete(oldest)
      this.forgetCredibilityTouching(oldest)
    }
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
   * and our own experience of the same subjects, each weighted by the report's age (so a reporter
   * that turns liar loses its standing within hours, not after its old truths expire), shrunk
   * towards a prior that depends on what the reporter has done for us.
   */
  credibility (reporter: string, now: number): number {
    return this.judgeReporter(reporter, now).value
  }

  /**
   * Whether `reporter` has a real relationship with us: trusted by handshake (an anchor), has
   * served us well in our own dealings, or is vouched for by such a peer (who then pays if it goes
   * bad). Only such reporters decide a state: move a peer into `accept`, to `refuse`, or into
   * quarantine. Everyone else's reports, however much they agree with ours, only inform (bounded):
   * agreement costs a Sybil nothing, a relationship costs real work or someone's stake.
   */
  related (reporter: string, now: number): boolean {
    return this.judgeReporter(reporter, now).related
  }

  private hasRelationship (reporter: string, own: Evidence, now: number): boolean {
    const p = this.params
    if (this.isAnchor(reporter) || ownExperienceGood(own, p)) return true
    // Vouched for by an anchor or a peer that served us well: one step only, so a vouched peer's
    // own vouches do not chain. The store holds at most MAX_REPORTERS_PER_SUBJECT reports about it.
    for (const r of this.store.about(reporter)) {
      if (r.vouch <= 0 || r.expiresAt <= now || r.issuer === reporter || r.issuer === this.self) continue
      if (this.isAnchor(r.issuer) || ownExperienceGood(this.directNow(r.issuer, now), p)) return true
    }
    return false
  }

  private judgeReporter (reporter: string, now: number): { value: number, related: boolean } {
    const cached = this.credCache.get(reporter)
    if (cached != null && now - cached.at < this.params.credibilityRefreshMs && this.store.lastChange(reporter) <= cached.version) return cached
    const version = this.store.version
    if (this.credCache.size >= MAX_CACHED_PER_PEER) this.credCache.clear()
    const p = this.params
    const own = this.directNow(reporter, now)
    // A peer that cheated us is not believed about others.
    if (this.book.isActive(reporter, now) || (own.positive + own.negative >= p.minEvidence && betaScore(own) < p.refuseScore)) {
      const entry = { value: 0, related: false, at: now, version }
      this.credCache.set(reporter, entry)
      return entry
    }
    let agree = 0
    let disagree = 0
    /** Compare report `r` with what we hold true of its subject (`d`, dated `ours`), at `factor` weight. */
    const check = (r: ReportBody, d: Evidence, ours: number, factor: number): void => {
      if (d.positive + d.negative < 0.5) return
      const e = reportEvidence(r, now, p)
      if (e.positive + e.negative < 0.5) return
      const weight = factor * Math.exp(-LN2 * Math.max(0, now - r.issuedAt) / p.credibilityHalfLifeMs)
      const gap = betaScore(e) - betaScore(d)
      if (Math.abs(gap) <= p.agreementTolerance) {
        // Agreement is evidence of honesty only when the reporter could not have copied it: it
        // reached us before the evidence it agrees with existed, it is not dated after that evidence
        // (nor in the future), and it does not repeat counts another issuer already published.
        // Otherwise twelve fresh keys echoing our own public reports become "credible" for free.
        const a = this.store.arrival(r)
        if (!a.echo && a.receivedAt < ours && r.issuedAt <= ours && r.issuedAt <= now) agree += weight
      } else if (gap <= 0 || r.issuedAt >= ours) {
        // A kinder view based on evidence older than ours is no lie (the reporter saw the good side of
        // a peer that turned on us later: camouflage, oscillation, compromise), so only the rest disagrees.
        disagree += weight
      }
    }
    const checkDirect = (r: ReportBody): void => {
      const d = this.directNow(r.subject, now)
      check(r, d, this.direct.get(r.subject)?.at ?? 0, condemns(d) ? CHEATER_CHECK_WEIGHT : 1)
    }
    // First-hand checks, against our own experience. Walk whichever side is shorter: the reporter's
    // reports, or our recent subjects.
    if (this.store.countBy(reporter) <= this.recent.size) {
      for (const r of this.store.by(reporter)) if (this.recent.has(r.subject)) checkDirect(r)
    } else {
      for (const subject of this.recent) {
        const r = this.store.get(reporter, subject)
        if (r != null) checkDirect(r)
      }
    }
    // Second-hand checks, at half weight: reports about peers we have not dealt with lately, against
    // what our anchors (peers we trust by handshake) report about them. In a large network our own
    // experience rarely overlaps a stranger's; our anchors' together often does, so honest reporters
    // become credible within a few rounds and liars, who contradict the anchors, do not.
    if (!this.isAnchor(reporter)) {
      let checks = 0
      for (const r of this.store.by(reporter)) {
        if (this.recent.has(r.subject) || r.subject === this.self) continue
        const a = this.anchorOpinion(r.subject, now)
        if (a != null) check(r, a.evidence, a.at, condemns(a.evidence) ? CHEATER_CHECK_WEIGHT : SECOND_HAND_WEIGHT)
        if (++checks >= SECOND_HAND_CHECKS) break
      }
    }
    // Where to start before any check: a stranger gets the low prior (a Sybil crowd weighs nothing),
    // a peer that has done good work for us, or that we trust by handshake, is believed until it
    // contradicts our experience. Without this, credibility waits for overlap between its reports
    // and our experience, which grows like rounds² / network size: far too slow for a thousand peers.
    const servedWell = ownExperienceGood(own, p)
    const prior = servedWell || this.isAnchor(reporter) ? Math.max(p.servedWellPrior, p.credibilityPrior) : p.credibilityPrior
    const k = 2
    const value = (agree + k * prior) / (agree + 3 * disagree + k)
    const entry = { value, related: this.hasRelationship(reporter, own, now), at: now, version }
    this.credCache.set(reporter, entry)
    return entry
  }

  /** Direct and hearsay evidence, without vouches (what vouching itself is judged on). */
  private baseView (subject: string, now: number): View {
    const p = this.params
    const direct = this.directNow(subject, now)
    let latestEvidenceAt = this.direct.get(subject)?.at ?? 0
    let hp = 0
    let hn = 0
    let sp = 0
    let sn = 0
    let reporters = 0
    let low = 0
    let credibleReporters = 0
    let condemnedBy = 0
    let supportedBy = 0
    for (const r of this.store.about(subject)) {
      if (r.issuer === this.self || r.expiresAt <= now) continue
      const e = reportEvidence(r, now, p)
      const total = e.positive + e.negative
      if (total < 0.01) continue
      const { value: c, related } = this.judgeReporter(r.issuer, now)
      // Only reporters whose reports have matched our own experience count: a crowd of unchecked
      // identities (Sybils, a clique, ballot stuffers) weighs nothing until it has been right.
      if (c < p.credibleThreshold) {
        if (++low <= MAX_LOW_CREDIBILITY_REPORTERS) reporters++
        continue
      }
      // Each reporter's say is capped per subject, and shared out over the peers it reports on (as
      // EigenTrust normalises local trust): a clique praising its hundreds of members, or a liar
      // condemning everyone, carries no more weight in total than an honest peer's handful.
      const share = Math.min(1, p.reportBudget / Math.max(1, this.store.countBy(r.issuer)))
      const scale = (total > p.reporterCap ? p.reporterCap / total : 1) * share
      reporters++
      credibleReporters++
      if (!related) {
        // A credible stranger informs (its evidence, bounded below, moves the score) but never
        // decides: it is not counted as a condemnation or a support, and cannot change the state.
        sp += c * e.positive * scale
        sn += c * e.negative * scale
        continue
      }
      hp += c * e.positive * scale
      hn += c * e.negative * scale
      if (r.issuedAt > latestEvidenceAt) latestEvidenceAt = r.issuedAt
      if (condemns(e)) condemnedBy++
      else if (betaScore(e) >= p.acceptScore) supportedBy++
    }
    // All strangers together count for at most one reporter's cap.
    const st = sp + sn
    const bound = st > p.reporterCap ? p.reporterCap / st : 1
    const w = credibleReporters >= p.minReporters ? p.hearsayWeight : 0
    const strangers = { positive: sp * bound * w, negative: sn * bound * w }
    const hearsay = { positive: hp * w + strangers.positive, negative: hn * w + strangers.negative }
    return this.finish({ subject, direct, hearsay, strangers, vouch: { positive: 0, negative: 0 }, reporters, credibleReporters, condemnedBy, supportedBy, latestEvidenceAt })
  }

  private stateOf (e: Evidence): ReputationState {
    const p = this.params
    const score = betaScore(e)
    return e.positive + e.negative < p.minEvidence
      ? 'unknown'
      : score >= p.acceptScore ? 'accept' : score >= p.refuseScore ? 'throttle' : 'refuse'
  }

  private finish (f: Omit<View, 'score' | 'state' | 'evidence'> & View['evidence']): View {
    const p = this.params
    const { direct, hearsay, vouch, strangers } = f
    const all = { positive: direct.positive + hearsay.positive + vouch.positive, negative: direct.negative + hearsay.negative + vouch.negative }
    const score = betaScore(all)
    let state = this.stateOf(all)
    // Strangers may not decide: the two deciding states (accept, refuse) hold only if the evidence
    // without them says so too; otherwise the peer stays where that evidence leaves it, at most
    // `throttle`. So strangers can nudge a score, never admit a peer or push one out.
    if (state === 'accept' || state === 'refuse') {
      const deciding = this.stateOf({ positive: all.positive - strangers.positive, negative: all.negative - strangers.negative })
      if (deciding !== state) state = deciding === 'unknown' ? 'unknown' : 'throttle'
    }
    // Bad results reported by a credible peer are not outvoted by the good work the same peer did for
    // others: that is how an oscillating or camouflaged peer looks. Our own good experience still wins.
    if (p.refuseReporters > 0 && f.condemnedBy >= p.refuseReporters && !ownExperienceGood(direct, p)) state = 'refuse'
    return { subject: f.subject, score, state, evidence: { direct, hearsay, vouch, strangers }, reporters: f.reporters, credibleReporters: f.credibleReporters, condemnedBy: f.condemnedBy, supportedBy: f.supportedBy, latestEvidenceAt: f.latestEvidenceAt }
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
    return this.finish({ ...base, ...base.evidence, vouch: { positive: Math.min(bonus, p.vouchMaxStake), negative: penalty } })
  }

  /** Why this view warrants quarantine, or null. */
  quarantineReason (v: View): string | null {
    const p = this.params
    const d = v.evidence.direct
    const directTotal = d.positive + d.negative
    if (d.negative >= p.quarantineMinEvidence && betaScore(d) < p.quarantineScore) return 'own experience far below threshold'
    // Our own good experience outweighs what others say.
    if (ownExperienceGood(d, p)) return null
    // Quarantine on reports alone is for a peer nobody credible speaks well of. A peer with credible
    // supporters is refused (state) on enough condemnations, not quarantined: when credible peers
    // turn liar together (compromise), that keeps the honest peers they badmouth out of quarantine.
    if (v.supportedBy > 0) return null
    if (v.condemnedBy >= p.condemnReporters) return `reported malicious by ${v.condemnedBy} credible reporters`
    // Without strangers: they never quarantine.
    const s = v.evidence.strangers
    const deciding = { positive: d.positive + v.evidence.hearsay.positive - s.positive + v.evidence.vouch.positive, negative: d.negative + v.evidence.hearsay.negative - s.negative + v.evidence.vouch.negative }
    const total = directTotal + v.evidence.hearsay.positive + v.evidence.hearsay.negative - s.positive - s.negative + v.evidence.vouch.negative
    if (v.credibleReporters >= p.minReporters && total >= p.quarantineMinEvidence && betaScore(deciding) < p.quarantineScore) return 'score far below threshold'
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
      this.credCache.delete(subject) // a quarantined peer is not believed about others
      return { view, state: 'quarantined', entered: this.book.enter(subject, reason, now) }
    }
    return { view, state: view.state }
  }
}

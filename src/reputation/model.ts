// The aggregation model: one observer's view of every subject, from its own (direct) evidence and
// other issuers' reports (hearsay). Beta reputation: score = (P + 1) / (P + N + 2), where P and N are
// decayed positive and negative evidence (negative fades slower). Hearsay is weighted by each
// reporter's credibility (how well its reports agree with this observer's own experience of the same
// subjects), capped per reporter, and ignored until enough distinct reporters speak. Pure and
// synchronous: the node and the simulation (scripts/sim-reputation.ts) run exactly this code.
//
// The parts live beside it: evidence.ts (outcomes, decay, the Beta score), credibility.ts (how far a
// reporter is believed), anchor-opinion.ts (what our anchors say together), verdict.ts (state and
// quarantine from a view), model-params.ts (the numbers).
import type { ReportBody } from './report.ts'
import type { ReportStore } from './report-store.ts'
import type { QuarantineBook } from './quarantine.ts'
import type { ModelParams } from './model-params.ts'
import { MAX_DIRECT_SUBJECTS } from './constants.ts'
import { OUTCOME_WEIGHTS, betaScore, condemns, decay, ownExperienceGood, reportEvidence, type DatedEvidence, type Evidence, type Outcome } from './evidence.ts'
import { anchorOpinionFrom, type AnchorOpinion, type AnchorOpinionSource } from './anchor-opinion.ts'
import { CHEATER_CHECK_WEIGHT, CREDIBILITY_SAMPLE, agreementTerm, credibilityValue, type Credibility, type Term } from './credibility.ts'
import { finishView, quarantineReason, type Judgement, type View } from './verdict.ts'
import { EvidenceHistory } from './evidence-history.ts'
import { secondHandTerm } from './second-hand.ts'

// Reporters below credibility who may still count in one view: a flood of fresh identities cannot
// make one view expensive or drown the credible ones.
const MAX_LOW_CREDIBILITY_REPORTERS = 64
/** Entries each per-peer cache (credibilities, anchor opinions) keeps at most: a flood of fresh identities must not grow memory for ever. */
const MAX_CACHED_PER_PEER = 20_000

/** The factor that scales evidence totalling `total` down to at most `cap` (1 if it is within). */
function capFactor (total: number, cap: number): number {
  return total > cap ? cap / total : 1
}

export class ReputationModel {
  readonly self: string
  readonly params: ModelParams
  readonly store: ReportStore
  readonly book: QuarantineBook
  private readonly direct = new Map<string, DatedEvidence>()
  /** Our past records per subject: what a report could have copied when it arrived. */
  private readonly history = new EvidenceHistory()
  /** Credibilities computed at `at`, valid until the refresh interval passes, the reporter's reports
   * change (the store's `version` then passes `version`), or our evidence about it or its subjects does. */
  private readonly credCache = new Map<string, Credibility>()
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
    let cached = this.anchorCache.get(subject)
    if (cached != null && now - cached.at < this.params.credibilityRefreshMs) return cached.opinion
    if (this.anchorCache.size >= MAX_CACHED_PER_PEER) { this.anchorCache.clear(); cached = undefined }
    const opinion = this.anchorSource(subject, now)
    // Refilled in place: hundreds of entries are renewed each refresh, and new ones were only garbage.
    if (cached != null) { cached.opinion = opinion; cached.at = now } else this.anchorCache.set(subject, { opinion, at: now })
    return opinion
  }

  /** Add one outcome to our own evidence about `subject`; returns the evidence as of `now`. */
  record (subject: string, outcome: Outcome, now: number): DatedEvidence {
    // A subject among our latest dealings already: fold the new evidence into the credibilities
    // it feeds (one term each) after the update. Otherwise the subject moves from second-hand to
    // first-hand checks for everyone who reported on it: recompute those.
    const patch = this.recent.has(subject)
    if (!patch) this.forgetCredibilityTouching(subject)
    const w = OUTCOME_WEIGHTS[outcome]
    const d = this.directNow(subject, now)
    // A wrong answer after good ones is how camouflage and oscillation work: good history does not
    // buy a bad act, so most of it is forgotten (failures and timeouts may be the network's fault).
    const kept = outcome === 'invalid' || outcome === 'malicious' ? d.positive * this.params.betrayalKeep : d.positive
    const next: DatedEvidence = { positive: kept + w.positive, negative: d.negative + w.negative, at: now }
    this.direct.delete(subject) // re-insert: Map order doubles as least-recently-updated order
    this.direct.set(subject, next)
    this.history.note(subject, next)
    this.noteRecent(subject)
    if (this.direct.size > MAX_DIRECT_SUBJECTS) {
      const oldest = this.direct.keys().next()
      if (oldest.done !== true) this.forgetDirect(oldest.value)
    }
    if (patch) this.patchCredibilityTouching(subject, now)
    return next
  }

  /** Replace our evidence about a subject (loading from disk, or the operator forgiving it). */
  setDirect (subject: string, e: DatedEvidence): void {
    this.forgetCredibilityTouching(subject)
    this.direct.delete(subject)
    this.direct.set(subject, e)
    this.history.note(subject, e)
    this.noteRecent(subject)
    if (this.direct.size > MAX_DIRECT_SUBJECTS) {
      const oldest = this.direct.keys().next()
      if (oldest.done !== true) this.forgetDirect(oldest.value)
    }
  }

  private forgetDirect (subject: string): void {
    this.direct.delete(subject)
    this.history.forget(subject)
  }

  /**
   * Our evidence about `subject` changed: forget the credibilities it feeds — the subject's own (it
   * may have served us well or cheated us) and those of everyone who reported on it (agreement).
   */
  private forgetCredibilityTouching (subject: string): void {
    this.credCache.delete(subject)
    for (const r of this.store.about(subject)) this.credCache.delete(r.issuer)
  }

  /**
   * Our evidence about `subject` changed and it was already among our latest dealings: the subject's
   * own credibility is recomputed when next asked; every other cached credibility changes only in
   * its first-hand check about `subject`, which is replaced. So a call outcome costs one check per
   * reporter about the callee (at most the per-subject cap), not a full credibility each: on a
   * busy node those walk up to 128 reports per reporter.
   */
  private patchCredibilityTouching (subject: string, now: number): void {
    this.credCache.delete(subject)
    let vouchees: Set<string> | undefined
    for (const r of this.store.about(subject)) {
      const c = this.credCache.get(r.issuer)
      if (c == null) continue
      if (c.first == null || this.store.lastChange(r.issuer) > c.version) { this.credCache.delete(r.issuer); continue }
      const t = this.firstHandTerm(r, now)
      if (t == null) c.first.delete(subject)
      else c.first.set(subject, t)
      c.value = credibilityValue(c.prior, c.second, c.first.values())
      // Whether the subject now vouches for a peer that served us well can make that peer related.
      vouchees ??= new Set([...this.store.vouchedBy(subject)].map(v => v.subject))
      if (vouchees.has(r.issuer)) {
        const rel = this.relationship(r.issuer, this.directNow(r.issuer, now), now)
        c.related = rel != null
        c.voucher = rel === r.issuer ? undefined : rel
      }
    }
  }

  private noteRecent (subject: string): void {
    this.recent.delete(subject) // re-insert: Set order is oldest first
    this.recent.add(subject)
    if (this.recent.size > CREDIBILITY_SAMPLE) {
      const first = this.recent.values().next()
      if (first.done !== true) {
        this.recent.delete(first.value)
        this.forgetCredibilityTouching(first.value)
      }
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

  /**
   * Whose voice a reporter speaks with: its own id when it is related in its own right (an anchor,
   * or it served us well), the voucher's when it is related only by a vouch, undefined when it is a
   * stranger.
   */
  private relationship (reporter: string, own: Evidence, now: number): string | undefined {
    const p = this.params
    if (this.isAnchor(reporter) || ownExperienceGood(own, p)) return reporter
    if (!this.store.hasVouches) return undefined
    // Vouched for by an anchor or a peer that served us well: one step only, so a vouched peer's
    // own vouches do not chain. The store holds at most MAX_REPORTERS_PER_SUBJECT reports about it.
    for (const r of this.store.about(reporter)) {
      if (r.vouch <= 0 || r.expiresAt <= now || r.issuer === reporter || r.issuer === this.self) continue
      if (this.isAnchor(r.issuer) || ownExperienceGood(this.directNow(r.issuer, now), p)) return r.issuer
    }
    return undefined
  }

  /** A first-hand check: report `r` against our own evidence about its subject. */
  private firstHandTerm (r: ReportBody, now: number): Term | undefined {
    const d = this.directNow(r.subject, now)
    return agreementTerm(this.store, r, d, this.direct.get(r.subject)?.at ?? 0, condemns(d) ? CHEATER_CHECK_WEIGHT : 1, now, this.params, t => this.history.heldAt(r.subject, t, now, this.params))
  }

  private judgeReporter (reporter: string, now: number): Credibility {
    const cached = this.credCache.get(reporter)
    if (cached != null && now - cached.at < this.params.credibilityRefreshMs && this.store.lastChange(reporter) <= cached.version) return cached
    const version = this.store.version
    if (this.credCache.size >= MAX_CACHED_PER_PEER) this.credCache.clear()
    const p = this.params
    const own = this.directNow(reporter, now)
    // A peer that cheated us is not believed about others.
    if (this.book.isActive(reporter, now) || (own.positive + own.negative >= p.minEvidence && betaScore(own) < p.refuseScore)) {
      const entry: Credibility = { value: 0, related: false, at: now, version, prior: 0, second: [0, 0], first: null }
      this.credCache.set(reporter, entry)
      return entry
    }
    // First-hand checks, against our own experience. Walk whichever side is shorter: the reporter's
    // reports, or our recent subjects.
    const first = new Map<string, Term>()
    const checkDirect = (r: ReportBody): void => {
      const t = this.firstHandTerm(r, now)
      if (t != null) first.set(r.subject, t)
    }
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
    const second: Term = this.isAnchor(reporter)
      ? [0, 0]
      : secondHandTerm(this.store, reporter, s => this.recent.has(s) || s === this.self, s => this.anchorOpinion(s, now), now, p)
    // Where to start before any check: a stranger gets the low prior (a Sybil crowd weighs nothing),
    // a peer that has done good work for us, or that we trust by handshake, is believed until it
    // contradicts our experience. Without this, credibility waits for overlap between its reports
    // and our experience, which grows like rounds² / network size: far too slow for a thousand peers.
    const servedWell = ownExperienceGood(own, p)
    const prior = servedWell || this.isAnchor(reporter) ? Math.max(p.servedWellPrior, p.credibilityPrior) : p.credibilityPrior
    const rel = this.relationship(reporter, own, now)
    const entry: Credibility = { value: credibilityValue(prior, second, first.values()), related: rel != null, at: now, version, prior, second, first }
    if (rel != null && rel !== reporter) entry.voucher = rel
    this.credCache.set(reporter, entry)
    return entry
  }

  /**
   * Whether a reporter we do not (yet) believe is one our anchors together found a good provider,
   * and none of our checks has caught disagreeing (credibility not below the stranger's prior). Such
   * a reporter is believed, as a stranger, when it says a peer cheated it (baseView). The peers an
   * oscillating or camouflaged provider cheats are the witnesses we need, and in a network of a
   * hundred peers or more they are strangers whose reports can rarely be checked: in the simulation
   * (100 agents) 55–62 % of the requests honest agents sent to oscillators after the first bad phase
   * went to one that some peer had already reported cheating, but no peer the observer believed.
   * Good work for our anchors
   * is real work a Sybil does not have (it is what EigenTrust's pre-trusted peers vouch for), and
   * the witness only informs: strangers never refuse or quarantine. Its praise is not believed:
   * oscillators and camouflaged peers serve anchors well too, and praise each other (with their
   * praise believed this way, the simulation's oscillation rows got worse: 0.057 → 0.071 at 30 %).
   */
  private anchorsFoundGood (reporter: string, credibility: number, now: number): boolean {
    if (credibility < this.params.credibilityPrior) return false
    const a = this.anchorOpinion(reporter, now)
    return a != null && ownExperienceGood(a.evidence, this.params)
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
    let seenCheating = false
    let strangerSawCheating = false
    // Related reporters in their own right who condemn or support it (only looked up for vouchers),
    // and the vouched-for reporters' evidence and verdicts gathered per voucher.
    let condemners: Set<string> | undefined
    let supporters: Set<string> | undefined
    let vouched: Map<string, { positive: number, negative: number, condemns: boolean, supports: boolean }> | undefined
    for (const r of this.store.about(subject)) {
      if (r.issuer === this.self || r.expiresAt <= now) continue
      const e = reportEvidence(r, now, p)
      const total = e.positive + e.negative
      if (total < 0.01) continue
      let { value: c, related, voucher } = this.judgeReporter(r.issuer, now)
      let witness = false
      if (c < p.credibleThreshold && condemns(e) && this.anchorsFoundGood(r.issuer, c, now)) {
        c = p.credibleThreshold
        related = false
        voucher = undefined
        witness = true
      }
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
      const scale = capFactor(total, p.reporterCap) * share
      reporters++
      credibleReporters++
      if (condemns(e)) {
        if (related || witness) seenCheating = true
        else strangerSawCheating = true
      }
      if (!related) {
        // A credible stranger informs (its evidence, bounded below, moves the score) but never
        // decides: it is not counted as a condemnation or a support, and cannot change the state.
        sp += c * e.positive * scale
        sn += c * e.negative * scale
        continue
      }
      if (r.issuedAt > latestEvidenceAt) latestEvidenceAt = r.issuedAt
      if (voucher != null) {
        // Related only by a vouch: a vouch lends the voucher's voice, it does not multiply it. One
        // voucher's vouchees together weigh one reporter's cap and count as one condemnation or
        // support — the voucher's own, if it gives one. Otherwise a peer that answered two tasks
        // for us could vouch for six fresh keys, make them credible for free (republish what our
        // anchors publish, nudged, before their next report: the second-hand check cannot tell a
        // copy), and quarantine an honest peer on their six condemnations (condemnReporters), paying
        // nothing: its vouchees never serve us, so none is ever refused (session vouch17).
        vouched ??= new Map()
        let g = vouched.get(voucher)
        if (g == null) vouched.set(voucher, g = { positive: 0, negative: 0, condemns: false, supports: false })
        g.positive += c * e.positive * scale
        g.negative += c * e.negative * scale
        if (condemns(e)) g.condemns = true
        else if (betaScore(e) >= p.acceptScore) g.supports = true
        continue
      }
      hp += c * e.positive * scale
      hn += c * e.negative * scale
      // Who condemned or supported in their own right is only needed to merge a voucher's voice with its vouchees'.
      if (condemns(e)) {
        condemnedBy++
        if (this.store.hasVouches) (condemners ??= new Set()).add(r.issuer)
      } else if (betaScore(e) >= p.acceptScore) {
        supportedBy++
        if (this.store.hasVouches) (supporters ??= new Set()).add(r.issuer)
      }
    }
    if (vouched != null) {
      for (const [voucher, g] of vouched) {
        const bound = capFactor(g.positive + g.negative, p.reporterCap)
        hp += g.positive * bound
        hn += g.negative * bound
        if (g.condemns && condemners?.has(voucher) !== true) condemnedBy++
        if (g.supports && supporters?.has(voucher) !== true) supportedBy++
      }
    }
    // A peer a credible reporter saw cheat gets no credit from others' praise: good work for them is
    // no evidence it did not cheat this one, and being good to most and bad to some (camouflage), or
    // good between defections (oscillation), is how such peers win new victims. Its score then rests
    // on our own experience and the condemnations. Honest peers are condemned only by liars, who
    // are not credible (in the simulation, no malicious reporter is).
    // Whose condemnation voids whose praise: a related reporter's, or a witness our anchors found a
    // good provider (real work, which a Sybil does not have), voids all praise; a stranger believed
    // only for agreeing with us or our anchors voids only strangers' praise. Agreement can be had
    // for nothing (copy what our anchors publish and wait for their next report; or say "good" of
    // everyone early, since most peers are good): before this rule, twelve such keys condemning an
    // honest peer threw away our anchors' praise of it, and it fell out of `accept` — under
    // `trust.policy: reputation`, refused work (test/reputation-attacks.test.ts).
    if (seenCheating) { hp = 0; sp = 0 }
    if (strangerSawCheating) sp = 0
    // All strangers together count for at most one reporter's cap.
    const bound = capFactor(sp + sn, p.reporterCap)
    const w = credibleReporters >= p.minReporters ? p.hearsayWeight : 0
    const strangers = { positive: sp * bound * w, negative: sn * bound * w }
    const hearsay = { positive: hp * w + strangers.positive, negative: hn * w + strangers.negative }
    return finishView({ subject, direct, hearsay, strangers, vouch: { positive: 0, negative: 0 }, reporters, credibleReporters, condemnedBy, supportedBy, latestEvidenceAt }, this.params)
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
    return finishView({ ...base, ...base.evidence, vouch: { positive: Math.min(bonus, p.vouchMaxStake), negative: penalty } }, this.params)
  }

  /** Why this view warrants quarantine, or null. */
  quarantineReason (v: View): string | null {
    return quarantineReason(v, this.params)
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

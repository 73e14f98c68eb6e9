// A reporter's credibility: how far its reports agree with what we hold true (our own experience,
// first-hand; our anchors' together, second-hand), shrunk towards a prior. The parts are kept so one
// new outcome of ours can be folded in without recomputing the rest (model.ts).
import type { ReportBody } from './report.ts'
import type { ReportStore } from './report-store.ts'
import type { ModelParams } from './model-params.ts'
import { LN2, betaScore, condemns, reportEvidence, type Evidence } from './evidence.ts'

/** How many of our latest direct subjects a reporter's credibility is checked against. */
export const CREDIBILITY_SAMPLE = 64
/** Reports of one reporter compared with our anchors' view, at most, and the weight of each such check. */
export const SECOND_HAND_CHECKS = 64
export const SECOND_HAND_WEIGHT = 0.5
/**
 * Weight of a check about a peer caught cheating (by us, or by our anchors together): saying it
 * cheated is what liars and accomplices do not do, praising it after it was caught is what they do.
 */
export const CHEATER_CHECK_WEIGHT = 3
/**
 * Agreements are remembered this many times longer than disagreements (whose half-life is
 * `credibilityHalfLifeMs`, 6 h), and count for at most AGREEMENT_CAP in all. In a network of a hundred
 * peers or more a reporter's reports can rarely be checked (the check needs our or our anchors'
 * evidence to come after the report), so with a 6-hour memory an honest stranger's agreements never
 * added up to the credibility threshold (in the simulation, 100 agents, honest reporters were credible
 * only where they had a relationship: 16–20 % of them), and the peers cheated by an oscillating or camouflaged provider could
 * not warn anyone. Capped, good standing saturates: a few fresh lies still sink it within hours.
 */
export const AGREEMENT_MEMORY_FACTOR = 8
export const AGREEMENT_CAP = 3

/** What one check adds to a reporter's credibility: [agreement, disagreement] weights. */
export type Term = [agree: number, disagree: number]

/**
 * A reporter's credibility as computed at `at`, kept with its parts so that one new outcome of ours
 * can be folded in without recomputing the rest: the first-hand checks per subject (against our own
 * evidence, which is what an outcome changes), and the sum of the second-hand ones (against our
 * anchors). `first` is null for a reporter we do not believe at all (quarantined, or it cheated us).
 */
export interface Credibility {
  value: number
  related: boolean
  /** When `related` only because a peer vouched for it: that voucher, whose voice it speaks with (see baseView). */
  voucher?: string
  at: number
  version: number
  prior: number
  second: Term
  first: Map<string, Term> | null
}

export function credibilityValue (prior: number, second: Term, first: Iterable<Term>): number {
  let agree = second[0]
  let disagree = second[1]
  for (const [a, d] of first) { agree += a; disagree += d }
  agree = Math.min(agree, AGREEMENT_CAP)
  const k = 2
  return (agree + k * prior) / (agree + 3 * disagree + k)
}

/**
 * Compare report `r` with what we hold true of its subject (`d`, dated `ours`), at `factor`
 * weight: what it adds to agreement and disagreement, or undefined when either side has too little
 * evidence to compare. `heldAt` is given for a first-hand check (against our own evidence): what we
 * held at a past moment, decayed to now (null: nothing yet; undefined: no longer known). Without it
 * the check is second-hand (against our anchors' summed evidence).
 */
export function agreementTerm (store: ReportStore, r: ReportBody, d: Evidence, ours: number, factor: number, now: number, p: ModelParams, heldAt?: (t: number) => Evidence | null | undefined): Term | undefined {
  if (d.positive + d.negative < 0.5) return undefined
  const e = reportEvidence(r, now, p)
  if (e.positive + e.negative < 0.5) return undefined
  const age = Math.max(0, now - r.issuedAt)
  const weight = factor * Math.exp(-LN2 * age / p.credibilityHalfLifeMs)
  const gap = betaScore(e) - betaScore(d)
  if (Math.abs(gap) <= p.agreementTolerance) {
    // Agreement is evidence of honesty only when the reporter could not have copied it: it
    // reached us before the evidence it agrees with existed, it is not dated after that evidence
    // (nor in the future), and it does not repeat counts another issuer already published.
    // Otherwise twelve fresh keys echoing our own public reports become "credible" for free.
    const a = store.arrival(r)
    if (a.echo || a.receivedAt >= ours || r.issuedAt > ours || r.issuedAt > now) return [0, 0]
    // "Before the evidence it agrees with" means before the part it agrees with: a copy of our report
    // that reached us after one outcome must not become informative when our next outcome makes our
    // evidence newer than it. So agreement with what we already held (and published) when the report
    // arrived counts for nothing, as does agreement we can no longer date.
    const then = heldAt?.(a.receivedAt)
    if (then === undefined && heldAt != null) return [0, 0]
    if (then != null && Math.abs(betaScore(e) - betaScore(then)) <= p.agreementTolerance) return [0, 0]
    return [factor * Math.exp(-LN2 * age / (p.credibilityHalfLifeMs * AGREEMENT_MEMORY_FACTOR)), 0]
  }
  // A kinder view based on evidence older than ours is no lie: the reporter saw the good side of
  // a peer that turned on us later (camouflage, oscillation, compromise).
  if (gap > 0 && r.issuedAt < ours) return [0, 0]
  if (gap < 0) {
    // A report that the peer cheated is not refuted by the good our anchors had from it: a
    // camouflaged peer is good to most and bad to some, an oscillating one good between defections,
    // and the peers it cheated are exactly the witnesses we need. (Against our own evidence it still
    // counts: a peer we know well, called a cheat, is how a reporter turned liar shows itself.)
    if (heldAt == null && condemns(e)) return [0, 0]
    // A harsher view dated after the evidence it is checked against may be news (the peer may have
    // turned since): half weight.
    if (r.issuedAt > ours) return [0, weight / 2]
  }
  return [0, weight]
}

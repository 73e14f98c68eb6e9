// From evidence to a verdict: the state a view's evidence calls for (strangers may not decide), and
// whether it warrants quarantine.
import type { QuarantineRecord } from './quarantine.ts'
import type { ModelParams } from './model-params.ts'
import { betaScore, ownExperienceGood, type Evidence, type ReputationState } from './evidence.ts'

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

export function stateOf (e: Evidence, p: ModelParams): ReputationState {
  const score = betaScore(e)
  return e.positive + e.negative < p.minEvidence
    ? 'unknown'
    : score >= p.acceptScore ? 'accept' : score >= p.refuseScore ? 'throttle' : 'refuse'
}

/** The view that direct, hearsay, vouch and stranger evidence add up to, with its state. */
export function finishView (f: Omit<View, 'score' | 'state' | 'evidence'> & View['evidence'], p: ModelParams): View {
  const { direct, hearsay, vouch, strangers } = f
  const all = { positive: direct.positive + hearsay.positive + vouch.positive, negative: direct.negative + hearsay.negative + vouch.negative }
  const score = betaScore(all)
  // Strangers may not decide: the state is the one the evidence without them calls for. They move
  // the score (how a caller ranks peers of one state), never the state: they cannot admit a peer,
  // refuse it, or take it out of `accept` (under `trust.policy: reputation` that refuses it work:
  // before, twelve copier keys' bounded warning pulled an honest peer our anchors praise from
  // `accept` to `throttle`). Nor do they make an unknown peer known: a stranger's warning about a
  // newcomer leaves it `unknown` with a lower score, not `throttle` (which a caller ranks higher).
  let state = stateOf({ positive: all.positive - strangers.positive, negative: all.negative - strangers.negative }, p)
  // Bad results reported by a credible peer are not outvoted by the good work the same peer did for
  // others: that is how an oscillating or camouflaged peer looks. Our own good experience still wins.
  if (p.refuseReporters > 0 && f.condemnedBy >= p.refuseReporters && !ownExperienceGood(direct, p)) state = 'refuse'
  return { subject: f.subject, score, state, evidence: { direct, hearsay, vouch, strangers }, reporters: f.reporters, credibleReporters: f.credibleReporters, condemnedBy: f.condemnedBy, supportedBy: f.supportedBy, latestEvidenceAt: f.latestEvidenceAt }
}

/** Why this view warrants quarantine, or null. */
export function quarantineReason (v: View, p: ModelParams): string | null {
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

// The numbers the aggregation model runs on. params.ts resolves them from the `reputation` config
// section; the simulation resolves them the same way.

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

// Turn the validated `reputation` config section into the model's and quarantine book's parameters,
// in one place, so the node and the simulation resolve them the same way.
import type { ReputationConfig } from '../config/reputation-schema.ts'
import { reputationSchema } from '../config/reputation-schema.ts'
import type { ModelParams } from './model-params.ts'
import type { QuarantineParams } from './quarantine.ts'

/** How long a computed credibility is reused, in ms: cheap views, fresh enough for gossip rounds. */
export const CREDIBILITY_REFRESH_MS = 10_000

/** Negative evidence per unit of stake a voucher takes when its newcomer is refused. */
export const VOUCH_PENALTY = 1

export function defaultReputationConfig (): ReputationConfig {
  return reputationSchema.parse({})
}

export function modelParams (c: ReputationConfig, credibilityRefreshMs = CREDIBILITY_REFRESH_MS): ModelParams {
  return {
    positiveHalfLifeMs: c.positiveHalfLifeMs,
    negativeHalfLifeMs: c.negativeHalfLifeMs,
    acceptScore: c.acceptScore,
    refuseScore: c.refuseScore,
    quarantineScore: c.quarantineScore,
    minEvidence: c.minEvidence,
    quarantineMinEvidence: c.quarantineMinEvidence,
    hearsayWeight: c.hearsayWeight,
    reporterCap: c.reporterCap,
    reportBudget: c.reportBudget,
    minReporters: c.minReporters,
    credibilityPrior: c.credibilityPrior,
    servedWellPrior: c.servedWellPrior,
    credibleThreshold: c.credibleThreshold,
    agreementTolerance: c.agreementTolerance,
    credibilityHalfLifeMs: c.credibilityHalfLifeMs,
    betrayalKeep: c.betrayalKeep,
    condemnReporters: c.condemnReporters,
    refuseReporters: c.refuseReporters,
    credibilityRefreshMs,
    vouchMaxStake: c.vouchStake,
    vouchPenalty: VOUCH_PENALTY
  }
}

export function quarantineParams (c: ReputationConfig): QuarantineParams {
  return { baseMs: c.quarantineMs, maxMs: c.maxQuarantineMs }
}

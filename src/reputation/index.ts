/**
 * Reputation: signed trust reports on GossipSub (`agentwire/trust/1`), aggregation with credibility
 * weighting and half-life decay (Beta reputation), states `accept | throttle | refuse | quarantined |
 * unknown`, and quarantine that doubles on repeat. The aggregation model is pure and shared with the
 * simulation (`npm run sim:reputation`).
 *
 * @example
 * ```ts
 * const reputation = new ReputationService({ libp2p, peerId, privateKey, datastore, audit, log }, config.reputation)
 * await reputation.start()
 * await reputation.rate('12D3KooW…', 'invalid', { note: 'answer failed schema check' })
 * console.log(reputation.get('12D3KooW…')) // { peerId, score, state, evidence, reporters, … }
 * for await (const event of reputation.watch({ signal })) console.log(event)
 * await reputation.stop()
 * ```
 */
export { ReputationService, type ReputationComponents, type ReputationInit, type ReputationView, type RateOutcome } from './service.ts'
export type { ReputationEvent, ReportJson } from './event-feed.ts'
export { trustTopicScoreParams } from './gossip-score.ts'
export { ReputationModel } from './model.ts'
export { reportableEvidence, OUTCOMES, OUTCOME_WEIGHTS, betaScore, decay, type Outcome, type ReputationState, type Evidence } from './evidence.ts'
export type { ModelParams } from './model-params.ts'
export type { View } from './verdict.ts'
export { ReportStore } from './report-store.ts'
export { QuarantineBook, type QuarantineRecord, type QuarantineParams } from './quarantine.ts'
export { ReportValidator, type Verdict } from './validator.ts'
export { signReport, decodeReport, encodeReport, type TrustReport, type ReportBody } from './report.ts'
export { modelParams, quarantineParams, defaultReputationConfig } from './params.ts'
export { TRUST_TOPIC, MAX_REPORT_BYTES } from './constants.ts'
export { InvalidReportError, UnknownOutcomeError, NotQuarantinedError, SelfRatingError } from './errors.ts'
export { reputation, reputationVerdicts, type ReputationServiceComponents } from './component.ts'

// The `reputation` config section: how evidence decays and combines, the state thresholds, quarantine,
// and the trust-report gossip limits. Strict, with documented defaults, like the rest of schema.ts;
// README.md's reputation table mirrors this file.
import { z } from 'zod'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const fraction = z.number().min(0).max(1)
const ms = z.number().int().positive()

export const reputationSchema = z.strictObject({
  /** Publish trust reports and take others' into account; false keeps only this node's own experience. @default true */
  gossip: z.boolean().default(true),
  /** Half-life of positive evidence, in ms. @default 86400000 (1 day) */
  positiveHalfLifeMs: ms.default(DAY),
  /** Half-life of negative evidence, in ms; longer than the positive one, so bad behaviour is remembered longer. @default 604800000 (7 days) */
  negativeHalfLifeMs: ms.default(7 * DAY),
  /** Score (0-1) at or above which a peer is `accept` (and admitted by `trust.policy: reputation`). @default 0.6 */
  acceptScore: fraction.default(0.6),
  /** Score below which a peer is `refuse`; between refuseScore and acceptScore it is `throttle`. @default 0.35 */
  refuseScore: fraction.default(0.35),
  /** Score below which a peer with enough evidence is quarantined. @default 0.2 */
  quarantineScore: fraction.default(0.2),
  /** Evidence (decayed outcomes) below which a peer is `unknown`; a newcomer starts here, below the work threshold. @default 1 */
  minEvidence: z.number().positive().default(1),
  /** Evidence needed before a low score quarantines (2 invalid results, or 1 malicious). @default 3 */
  quarantineMinEvidence: z.number().positive().default(3),
  /** Weight of others' reports relative to this node's own experience. @default 0.5 */
  hearsayWeight: fraction.default(0.5),
  /** Most evidence one reporter can contribute to a view, however large its counts. @default 5 */
  reporterCap: z.number().positive().default(5),
  /** Peers one reporter may report on at full weight; a reporter with reports on more has its weight shared out among them (a clique praising all its members, a liar condemning everyone). @default 10 */
  reportBudget: z.number().int().positive().default(10),
  /** Distinct credible reporters needed before hearsay counts at all. @default 1 */
  minReporters: z.number().int().positive().default(1),
  /** Credibility of a reporter whose reports cannot be checked yet against this node's experience. @default 0.25 */
  credibilityPrior: fraction.default(0.25),
  /** Starting credibility of a reporter that has served this node well (its own evidence says `accept`): believed until its reports contradict this node's experience. @default 0.75 */
  servedWellPrior: fraction.default(0.75),
  /** Credibility from which a reporter can help quarantine a peer. @default 0.5 */
  credibleThreshold: fraction.default(0.5),
  /** Largest gap between a reporter's and this node's score of a peer still counted as agreement. @default 0.3 */
  agreementTolerance: fraction.default(0.3),
  /** Half-life of a report's weight when judging its issuer's credibility, in ms: a reporter that starts lying loses its standing within hours. @default 21600000 (6 h) */
  credibilityHalfLifeMs: ms.default(6 * HOUR),
  /** Share of a peer's positive evidence kept when it returns an invalid or malicious result (0 forgets it all). @default 0 */
  betrayalKeep: fraction.default(0),
  /** Credible reporters needed to quarantine a peer on reports alone (and no credible reporter may speak well of it). @default 6 */
  condemnReporters: z.number().int().positive().default(6),
  /** Credible reporters whose reports of mostly bad results make a peer `refuse` even when others had good work from it (unless this node's own experience is good); 0 turns this off. @default 1 */
  refuseReporters: z.number().int().nonnegative().default(1),
  /** First quarantine, in ms; each repeat doubles it. @default 600000 (10 min) */
  quarantineMs: ms.default(10 * 60 * 1000),
  /** Longest quarantine, in ms. @default 604800000 (7 days) */
  maxQuarantineMs: ms.default(7 * DAY),
  /** Most pseudo-evidence vouches can give a newcomer; also the stake a vouching peer risks. @default 2 */
  vouchStake: z.number().nonnegative().default(2),
  /** How long a published report stays valid, in ms; reports are republished well before. @default 86400000 (1 day) */
  reportTtlMs: ms.max(7 * DAY).default(DAY),
  /** Least time between two reports about the same peer, in ms (changes in between are coalesced). @default 5000 */
  publishIntervalMs: ms.default(5000),
  /** How often all live reports are republished (for peers that joined since), in ms. @default 3600000 (1 h) */
  republishIntervalMs: ms.default(HOUR),
  /** Reports accepted per issuer: a burst, then this many per minute; more are ignored and count against the issuer. */
  perIssuer: z.strictObject({
    /** @default 60 */
    burst: z.number().int().positive().default(60),
    /** @default 120 */
    perMinute: z.number().positive().default(120)
  }).prefault({}),
  /** Most trust reports held, from all issuers together; when full, the least credible and oldest go first (never this node's own or a credible reporter's for a stranger's). @default 200000 */
  maxStoredReports: z.number().int().positive().default(200_000),
  /** Most reporters held about one subject, the most credible kept: bounds the work each arriving report costs, however many identities report. @default 256 */
  maxReportersPerSubject: z.number().int().positive().default(256),
  /** How often expired reports are dropped, in ms. @default 60000 */
  pruneIntervalMs: ms.default(60_000),
  /** Reports accepted from one forwarding peer (whoever signed them): a burst, then this many per minute; more are ignored and count against the forwarder. */
  perForwarder: z.strictObject({
    /** @default 2000 */
    burst: z.number().int().positive().default(2000),
    /** @default 2000 */
    perMinute: z.number().positive().default(2000)
  }).prefault({}),
  /** Reports accepted per issuer about one subject: a burst, then this many per minute. */
  perPair: z.strictObject({
    /** @default 3 */
    burst: z.number().int().positive().default(3),
    /** @default 6 */
    perMinute: z.number().positive().default(6)
  }).prefault({})
}).refine(r => r.quarantineScore <= r.refuseScore && r.refuseScore <= r.acceptScore, {
  error: 'thresholds must satisfy quarantineScore <= refuseScore <= acceptScore'
})

export type ReputationConfig = z.output<typeof reputationSchema>
export type ReputationConfigInput = z.input<typeof reputationSchema>

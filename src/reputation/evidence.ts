// Evidence and what it says: outcomes and their weights, decay by half-life, the Beta score, and the
// few judgements made on evidence alone. Pure: the node and the simulation run exactly this code.
import type { ReportBody } from './report.ts'
import type { ModelParams } from './model-params.ts'
import { MAX_REPORT_TTL_MS } from './constants.ts'

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

export interface Evidence { positive: number, negative: number }

/** Evidence as of a moment; decays from `at`. */
export interface DatedEvidence extends Evidence { at: number }

export const LN2 = Math.log(2)

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
export function condemns (e: Evidence): boolean {
  return e.negative >= 1.5 && e.negative >= 3 * e.positive
}

/** Enough of our own evidence, and good: what others say does not overrule it. */
export function ownExperienceGood (d: Evidence, p: ModelParams): boolean {
  return d.positive + d.negative >= p.minEvidence && betaScore(d) >= p.acceptScore
}

export function reportEvidence (r: ReportBody, now: number, p: ModelParams): Evidence {
  return decay({ positive: r.positive, negative: r.negative, at: r.issuedAt }, now, p)
}

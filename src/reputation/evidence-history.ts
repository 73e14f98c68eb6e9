// What our own evidence about a subject was at a past moment: the last few of our records per
// subject. A report that agrees with what we held (and published) when it reached us may be a copy of
// our report; only agreement with evidence we did not have yet says the reporter knew something.
import type { ModelParams } from './model-params.ts'
import { decay, type DatedEvidence, type Evidence } from './evidence.ts'

/** Our records kept per subject: a report that arrived before the oldest of them is judged as if it may be a copy. */
export const EVIDENCE_HISTORY = 8

interface Past {
  /** Our records, oldest first, at most EVIDENCE_HISTORY. */
  records: DatedEvidence[]
  /** Whether older records were dropped (then what we held before the first kept one is not known). */
  truncated: boolean
}

export class EvidenceHistory {
  private readonly past = new Map<string, Past>()

  /** Our evidence about `subject` is now `e` (dated `e.at`). */
  note (subject: string, e: DatedEvidence): void {
    let p = this.past.get(subject)
    if (p == null) this.past.set(subject, p = { records: [], truncated: false })
    p.records.push(e)
    if (p.records.length > EVIDENCE_HISTORY) { p.records.shift(); p.truncated = true }
  }

  forget (subject: string): void {
    this.past.delete(subject)
  }

  /**
   * What we held about `subject` at moment `t`, decayed to `now`: null if we had no evidence yet,
   * undefined if that is no longer known (older than the records kept).
   */
  heldAt (subject: string, t: number, now: number, params: ModelParams): Evidence | null | undefined {
    const p = this.past.get(subject)
    if (p == null) return null
    for (let i = p.records.length - 1; i >= 0; i--) {
      if (p.records[i].at <= t) return decay(p.records[i], now, params)
    }
    return p.truncated ? undefined : null
  }
}

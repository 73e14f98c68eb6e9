// What an observer's anchors (peers it trusts by handshake) say together about a subject: the
// yardstick for second-hand credibility checks.
import type { ReportStore } from './report-store.ts'
import type { ModelParams } from './model-params.ts'
import { reportEvidence, type Evidence } from './evidence.ts'

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

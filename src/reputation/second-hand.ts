// Second-hand credibility checks: a reporter's reports about peers we have not dealt with lately,
// against what our anchors together report about them. The check of one report against one anchor
// opinion at one moment comes out the same for every observer that shares the store, so it is kept
// (per store, per reporter) and reused: in the simulation a thousand observers judge the same
// reporters every round, and each used to redo the same checks (over half of a 1000-agent run's CPU).
// Every reuse is exact: a kept check is used only for the same report object, the same moment, the
// same parameters and the same anchor evidence, and the sums are taken in the same order as before,
// so no figure changes.
import type { ReportBody } from './report.ts'
import type { ReportStore } from './report-store.ts'
import type { ModelParams } from './model-params.ts'
import type { AnchorOpinion } from './anchor-opinion.ts'
import { condemns } from './evidence.ts'
import { CHEATER_CHECK_WEIGHT, SECOND_HAND_CHECKS, SECOND_HAND_WEIGHT, agreementTerm, type Term } from './credibility.ts'

/**
 * One report's check, kept flat (the loop below runs tens of millions of times in a 1000-agent
 * run): the anchor opinion it was made against (undefined: not made yet) and its terms.
 */
interface Check { subject: string, report: ReportBody, opinion: AnchorOpinion | undefined, positive: number, negative: number, at: number, counts: boolean, agree: number, disagree: number }

/**
 * A reporter's reports in the store's order, as of its last change in the store. Only the first
 * READY are made into checks at first (a liar's hundreds of claims are not walked for each round);
 * the rest are added when an observer skips so many that it needs them.
 */
interface ReporterChecks { changed: number, checks: Check[], complete: boolean }

/** Checks made ready at first: enough for an observer that skips one subject per check it makes (the model skips at most CREDIBILITY_SAMPLE + 1). */
const READY = 2 * SECOND_HAND_CHECKS + 2

/** What is kept for one store: valid for one moment and one set of parameters only. */
interface Kept { now: number, params: ModelParams, byReporter: Map<string, ReporterChecks> }

const kept = new WeakMap<ReportStore, Kept>()

function checksOf (store: ReportStore, reporter: string, now: number, p: ModelParams): ReporterChecks {
  let k = kept.get(store)
  // A new moment (or other parameters) makes every kept check stale: start afresh, which also
  // bounds the memory to the reporters judged at one moment.
  if (k == null || k.now !== now || k.params !== p) kept.set(store, k = { now, params: p, byReporter: new Map() })
  const changed = store.lastChange(reporter)
  let mine = k.byReporter.get(reporter)
  if (mine == null || mine.changed !== changed) {
    k.byReporter.set(reporter, mine = { changed, checks: [], complete: false })
    fill(store, reporter, mine, READY)
  }
  return mine
}

/** Make checks of the reporter's reports up to `upTo` in all (or all of them). */
function fill (store: ReportStore, reporter: string, mine: ReporterChecks, upTo: number): void {
  const have = mine.checks.length
  let i = 0
  for (const report of store.by(reporter)) {
    if (i++ < have) continue
    if (i > upTo) return
    mine.checks.push({ subject: report.subject, report, opinion: undefined, positive: NaN, negative: NaN, at: NaN, counts: false, agree: 0, disagree: 0 })
  }
  mine.complete = true
}

/**
 * The sum of the second-hand checks of `reporter`'s reports, at most SECOND_HAND_CHECKS of them in the
 * store's order, skipping subjects `skip` says are checked first-hand (or are the observer itself).
 * `anchorOpinion` is the observer's own view of its anchors' opinion, so observers whose anchors (or
 * cached opinions) differ each get their own answer.
 */
export function secondHandTerm (store: ReportStore, reporter: string, skip: (subject: string) => boolean, anchorOpinion: (subject: string) => AnchorOpinion | undefined, now: number, p: ModelParams): Term {
  let agree = 0
  let disagree = 0
  let checks = 0
  const mine = checksOf(store, reporter, now, p)
  for (let i = 0; ; i++) {
    if (i === mine.checks.length) {
      if (mine.complete) break
      fill(store, reporter, mine, Infinity)
      if (i === mine.checks.length) break
    }
    const c = mine.checks[i]
    if (skip(c.subject)) continue
    const a = anchorOpinion(c.subject)
    if (a != null) {
      // The same opinion object, or one with the same evidence, gives the same check.
      if (a !== c.opinion && (a.evidence.positive !== c.positive || a.evidence.negative !== c.negative || a.at !== c.at)) remake(store, c, a, now, p)
      c.opinion = a
      if (c.counts) { agree += c.agree; disagree += c.disagree }
    }
    if (++checks >= SECOND_HAND_CHECKS) break
  }
  const second: Term = [agree, disagree]
  return second
}

function remake (store: ReportStore, c: Check, a: AnchorOpinion, now: number, p: ModelParams): void {
  const e = a.evidence
  const t = agreementTerm(store, c.report, e, a.at, condemns(e) ? CHEATER_CHECK_WEIGHT : SECOND_HAND_WEIGHT, now, p)
  c.positive = e.positive
  c.negative = e.negative
  c.at = a.at
  c.counts = t != null
  c.agree = t?.[0] ?? 0
  c.disagree = t?.[1] ?? 0
}

// The GossipSub topic validator for trust reports. Reject (GossipSub penalises the sender) for what
// no honest node forwards: bad size, shape or signature, expired. Ignore (dropped, not forwarded) for
// floods: per forwarding peer (many throwaway issuers behind one connection), per issuer, and per
// issuer-subject pair; and for a report not newer than the one we hold (a replay or a reorder): an
// honest relay that never saw it, or evicted it, forwards it in good faith.
import { RateLimiter } from '../guard/rate-limiter.ts'
import { decodeReport, type TrustReport } from './report.ts'
import type { ReportStore } from './report-store.ts'
import { InvalidReportError } from './errors.ts'

export type Verdict =
  | { action: 'accept', report: TrustReport }
  | { action: 'reject', code: string, reason: string }
  | { action: 'ignore', code: string, reason: string, issuer: string, /** Who is to blame: the issuer, or the forwarding peer for FORWARDER_FLOOD. */ blame: string }

export interface ReportValidatorInit {
  perIssuer: { burst: number, perMinute: number }
  perPair: { burst: number, perMinute: number }
  /** Reports accepted from one forwarding peer, whoever signed them. @default unlimited */
  perForwarder?: { burst: number, perMinute: number }
  /** Most issuers (and pairs) tracked by the rate limiters. @default 10000 */
  maxKeys?: number
}

export class ReportValidator {
  private readonly store: ReportStore<TrustReport>
  private readonly byIssuer: RateLimiter
  private readonly byPair: RateLimiter
  private readonly byForwarder: RateLimiter | undefined

  constructor (store: ReportStore<TrustReport>, init: ReportValidatorInit) {
    this.store = store
    this.byIssuer = new RateLimiter({ ...init.perIssuer, maxKeys: init.maxKeys ?? 10_000 })
    this.byPair = new RateLimiter({ ...init.perPair, maxKeys: init.maxKeys ?? 10_000 })
    this.byForwarder = init.perForwarder != null ? new RateLimiter({ ...init.perForwarder, maxKeys: init.maxKeys ?? 10_000 }) : undefined
  }

  /** Check one report from the wire; on accept it is already stored as the newest of its pair. */
  async check (data: Uint8Array, now = Date.now(), from?: string): Promise<Verdict> {
    // Before the signature check: a forwarder over its budget costs us no crypto.
    if (from != null && this.byForwarder != null && !this.byForwarder.take(from, now)) {
      return { action: 'ignore', code: 'FORWARDER_FLOOD', reason: 'forwarding peer over its report rate', issuer: '', blame: from }
    }
    let report: TrustReport
    try {
      report = await decodeReport(data, now)
    } catch (err) {
      if (err instanceof InvalidReportError) return { action: 'reject', code: err.code, reason: err.message }
      throw err
    }
    if (report.seq <= this.store.seqOf(report.issuer, report.subject)) {
      return { action: 'ignore', code: 'STALE_SEQ', reason: `seq ${report.seq} is not newer than the report already held (replay or reorder)`, issuer: report.issuer, blame: from ?? report.issuer }
    }
    if (!this.byIssuer.take(report.issuer, now)) return { action: 'ignore', code: 'ISSUER_FLOOD', reason: 'issuer over its report rate', issuer: report.issuer, blame: report.issuer }
    if (!this.byPair.take(report.issuer + '/' + report.subject, now)) return { action: 'ignore', code: 'PAIR_FLOOD', reason: 'issuer over its rate for this subject', issuer: report.issuer, blame: report.issuer }
    const put = this.store.put(report, now)
    if (put === 'stale') return { action: 'ignore', code: 'STALE_SEQ', reason: 'not newer than the report already held', issuer: report.issuer, blame: from ?? report.issuer }
    // Full of reports at least as credible as this issuer's: a stranger cannot push them out.
    if (put === 'full') return { action: 'ignore', code: 'STORE_FULL', reason: 'report store full of more credible reports', issuer: report.issuer, blame: report.issuer }
    return { action: 'accept', report }
  }
}

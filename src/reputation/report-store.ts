// The newest report of each issuer about each subject, indexed both ways. A report replaces the one
// before it only when its seq is higher, so replays and reordering add nothing. Shared by the node
// (one store per node) and the simulation (one store for all agents, as if gossip reached everyone).
import type { ReportBody } from './report.ts'
import { MAX_STORED_REPORTS } from './constants.ts'

export type PutResult = 'new' | 'replaced' | 'stale' | 'full'

export class ReportStore<R extends ReportBody = ReportBody> {
  private readonly bySubject = new Map<string, Map<string, R>>()
  private readonly byIssuer = new Map<string, Map<string, R>>()
  private readonly vouches = new Map<string, Set<string>>()
  private count = 0
  private readonly maxReports: number
  /** A counter bumped on every change, and the value it had at each issuer's last change: lets a
   * reader cache what it computed from one issuer's reports until they change. */
  private tick = 0
  private readonly changedAt = new Map<string, number>()

  constructor (maxReports = MAX_STORED_REPORTS) {
    this.maxReports = maxReports
  }

  get size (): number { return this.count }

  /** The change counter now; compare with `lastChange(issuer)` later to see if that issuer's reports moved. */
  get version (): number { return this.tick }

  /** The change counter's value at this issuer's last change (0 if none is known). */
  lastChange (issuer: string): number {
    return this.changedAt.get(issuer) ?? 0
  }

  get (issuer: string, subject: string): R | undefined {
    return this.byIssuer.get(issuer)?.get(subject)
  }

  /** The seq a new report of this issuer about this subject must beat. */
  seqOf (issuer: string, subject: string): number {
    return this.get(issuer, subject)?.seq ?? -1
  }

  put (report: R): PutResult {
    const old = this.get(report.issuer, report.subject)
    if (old != null && old.seq >= report.seq) return 'stale'
    if (old == null && this.count >= this.maxReports) return 'full'
    let s = this.bySubject.get(report.subject)
    if (s == null) this.bySubject.set(report.subject, s = new Map())
    s.set(report.issuer, report)
    let i = this.byIssuer.get(report.issuer)
    if (i == null) this.byIssuer.set(report.issuer, i = new Map())
    i.set(report.subject, report)
    if (old == null) this.count++
    this.changedAt.set(report.issuer, ++this.tick)
    if (report.vouch > 0) {
      let v = this.vouches.get(report.issuer)
      if (v == null) this.vouches.set(report.issuer, v = new Set())
      v.add(report.subject)
    } else {
      this.vouches.get(report.issuer)?.delete(report.subject)
    }
    return old == null ? 'new' : 'replaced'
  }

  about (subject: string): Iterable<R> {
    return this.bySubject.get(subject)?.values() ?? []
  }

  by (issuer: string): Iterable<R> {
    return this.byIssuer.get(issuer)?.values() ?? []
  }

  /** How many live reports an issuer has here. */
  countBy (issuer: string): number {
    return this.byIssuer.get(issuer)?.size ?? 0
  }

  /** Subjects this issuer currently vouches for (a report with `vouch` > 0). */
  vouchedBy (issuer: string): Iterable<R> {
    const out: R[] = []
    for (const subject of this.vouches.get(issuer) ?? []) {
      const r = this.get(issuer, subject)
      if (r != null && r.vouch > 0) out.push(r)
    }
    return out
  }

  subjects (): Iterable<string> {
    return this.bySubject.keys()
  }

  /** Drop every report from an issuer (a whitewashed identity in the simulation, or a forgotten peer). */
  dropIssuer (issuer: string): void {
    const mine = this.byIssuer.get(issuer)
    if (mine == null) return
    for (const subject of mine.keys()) this.bySubject.get(subject)?.delete(issuer)
    this.count -= mine.size
    this.forgetIssuer(issuer)
  }

  /**
   * An issuer with no reports left. Its change marker goes too (a stream of throwaway identities
   * must not grow the map for ever): nobody asks how far to believe an issuer that reports nothing,
   * and its next report sets a fresh marker.
   */
  private forgetIssuer (issuer: string): void {
    this.byIssuer.delete(issuer)
    this.vouches.delete(issuer)
    this.changedAt.delete(issuer)
  }

  /** Drop expired reports; returns how many went. */
  prune (now: number): number {
    let dropped = 0
    for (const [issuer, mine] of this.byIssuer) {
      const before = mine.size
      for (const [subject, r] of mine) {
        if (r.expiresAt > now) continue
        mine.delete(subject)
        this.bySubject.get(subject)?.delete(issuer)
        dropped++
      }
      if (mine.size !== before) this.changedAt.set(issuer, ++this.tick)
      if (mine.size === 0) this.forgetIssuer(issuer)
    }
    this.count -= dropped
    return dropped
  }
}

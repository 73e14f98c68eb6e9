// The newest report of each issuer about each subject, indexed both ways. A report replaces the one
// before it only when its seq is higher, so replays and reordering add nothing. Shared by the node
// (one store per node) and the simulation (one store for all agents, as if gossip reached everyone).
// Bounded twice: reporters per subject, and reports in all. When full, the least credible and oldest
// report goes first (the caller says how far it believes an issuer, `rank`), and a report never
// displaces one its issuer outranks: our own and credible reporters' reports are never refused.
import type { ReportBody } from './report.ts'
import { MAX_REPORTERS_PER_SUBJECT, MAX_STORED_REPORTS } from './constants.ts'

export type PutResult = 'new' | 'replaced' | 'stale' | 'full'

/** How far the store's owner believes an issuer: 0 a stranger, higher more. Reports of the lowest rank, oldest first, are evicted. */
export type IssuerRank = (issuer: string) => number

export interface ReportStoreInit {
  /** Most reports in all. @default MAX_STORED_REPORTS */
  maxReports?: number
  /** Most reporters kept about one subject (what one view looks at). @default MAX_REPORTERS_PER_SUBJECT */
  maxReportersPerSubject?: number
  /** Eviction order; without it every issuer ranks the same and the oldest report goes first. */
  rank?: IssuerRank
}

/** Reports looked at, oldest subjects first, to choose one to evict when the whole store is full. */
const GLOBAL_EVICTION_SCAN = 256

/** What the store knows of a report beyond its signed body: when it first arrived, and whether it only repeated another issuer's. */
interface Arrival { receivedAt: number, echo: boolean }

export class ReportStore<R extends ReportBody = ReportBody> {
  private readonly bySubject = new Map<string, Map<string, R>>()
  private readonly byIssuer = new Map<string, Map<string, R>>()
  /** The issuer looked up last and its reports (see `mine`). */
  private lastIssuer: string | undefined
  private lastReports: Map<string, R> | undefined
  private readonly vouches = new Map<string, Set<string>>()
  private readonly arrivals = new WeakMap<R, Arrival>()
  private count = 0
  private readonly maxReports: number
  private readonly maxPerSubject: number
  rank: IssuerRank
  /** A counter bumped on every change, and the value it had at each issuer's last change: lets a
   * reader cache what it computed from one issuer's reports until they change. */
  private tick = 0
  private readonly changedAt = new Map<string, number>()
  /** Reports evicted to make room, since the store was made. */
  evicted = 0

  constructor (init: number | ReportStoreInit = {}) {
    const i = typeof init === 'number' ? { maxReports: init } : init
    this.maxReports = i.maxReports ?? MAX_STORED_REPORTS
    this.maxPerSubject = i.maxReportersPerSubject ?? MAX_REPORTERS_PER_SUBJECT
    this.rank = i.rank ?? (() => 0)
  }

  get size (): number { return this.count }

  /** The change counter now; compare with `lastChange(issuer)` later to see if that issuer's reports moved. */
  get version (): number { return this.tick }

  /** The change counter's value at this issuer's last change (0 if none is known). */
  lastChange (issuer: string): number {
    return this.changedAt.get(issuer) ?? 0
  }

  get (issuer: string, subject: string): R | undefined {
    return this.mine(issuer)?.get(subject)
  }

  /**
   * An issuer's reports by subject. A credibility asks about one issuer many times in a row (up to
   * one `get` per subject we dealt with lately), so the last answer is kept: in a 1000-agent
   * simulation the repeated lookups in a map of every issuer were a sixth of the CPU. The kept map is
   * the live one; it is dropped whenever the issuer's map is created or removed.
   */
  private mine (issuer: string): Map<string, R> | undefined {
    if (issuer !== this.lastIssuer) {
      this.lastIssuer = issuer
      this.lastReports = this.byIssuer.get(issuer)
    }
    return this.lastReports
  }

  /** The seq a new report of this issuer about this subject must beat. */
  seqOf (issuer: string, subject: string): number {
    return this.get(issuer, subject)?.seq ?? -1
  }

  /**
   * When this report's evidence first reached us (a republication of the same evidence keeps the
   * first arrival), and whether it merely repeated evidence another issuer had already published
   * about the subject. Both are local facts an issuer cannot sign its way around.
   */
  arrival (r: R): Arrival {
    return this.arrivals.get(r) ?? { receivedAt: r.issuedAt, echo: false }
  }

  /** Reporters held about a subject. */
  reportersOf (subject: string): number {
    return this.bySubject.get(subject)?.size ?? 0
  }

  put (report: R, receivedAt = report.issuedAt): PutResult {
    const old = this.get(report.issuer, report.subject)
    if (old != null && old.seq >= report.seq) return 'stale'
    if (old == null) {
      const about = this.bySubject.get(report.subject)
      if (about != null && about.size >= this.maxPerSubject && !this.evictFrom(about.values(), report.issuer)) return 'full'
      if (this.count >= this.maxReports && !this.evictFrom(this.oldestReports(), report.issuer)) return 'full'
    }
    const sameEvidence = old != null && old.issuedAt === report.issuedAt && old.positive === report.positive && old.negative === report.negative
    this.arrivals.set(report, sameEvidence ? this.arrival(old) : { receivedAt, echo: this.repeats(report) })
    let s = this.bySubject.get(report.subject)
    if (s == null) this.bySubject.set(report.subject, s = new Map<string, R>())
    s.set(report.issuer, report)
    let i = this.byIssuer.get(report.issuer)
    if (i == null) {
      this.byIssuer.set(report.issuer, i = new Map<string, R>())
      this.lastIssuer = undefined
    }
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

  /**
   * Exactly the evidence another issuer already published about the subject, counts and date: a
   * copy, not a witness. The date matters: one good answer is (1, 0) to everyone, so before it was
   * compared, every peer but the first to report a provider after one dealing was taken for a copy,
   * and at a thousand agents most honest reporters never became credible (docs/reputation.md,
   * "Echoes"). A copy with its date or counts changed is not caught here; the arrival times are
   * what stop it being counted as agreement with our or our anchors' evidence (credibility.ts).
   */
  private repeats (report: R): boolean {
    if (report.positive + report.negative === 0) return false
    for (const r of this.bySubject.get(report.subject)?.values() ?? []) {
      if (r.issuer !== report.issuer && r.issuedAt === report.issuedAt && r.positive === report.positive && r.negative === report.negative) return true
    }
    return false
  }

  /** Up to GLOBAL_EVICTION_SCAN reports, from the subjects first seen longest ago. */
  private * oldestReports (): Iterable<R> {
    let n = 0
    for (const about of this.bySubject.values()) {
      for (const r of about.values()) {
        yield r
        if (++n >= GLOBAL_EVICTION_SCAN) return
      }
    }
  }

  /**
   * Make room for a report by `newcomer`: drop the lowest-ranked, oldest-arrived of `candidates`,
   * if the newcomer ranks at least as high. A stranger may push out only another stranger.
   */
  private evictFrom (candidates: Iterable<R>, newcomer: string): boolean {
    const mine = this.rank(newcomer)
    let victim: R | undefined
    let victimRank = Infinity
    let victimAt = Infinity
    for (const r of candidates) {
      const k = this.rank(r.issuer)
      const at = this.arrival(r).receivedAt
      if (k < victimRank || (k === victimRank && at < victimAt)) { victim = r; victimRank = k; victimAt = at }
    }
    if (victim == null || victimRank > mine) return false
    this.remove(victim)
    this.evicted++
    return true
  }

  private remove (r: R): void {
    const mine = this.byIssuer.get(r.issuer)
    if (mine?.get(r.subject) !== r) return
    mine.delete(r.subject)
    const about = this.bySubject.get(r.subject)
    about?.delete(r.issuer)
    if (about?.size === 0) this.bySubject.delete(r.subject)
    this.vouches.get(r.issuer)?.delete(r.subject)
    this.count--
    if (mine.size === 0) this.forgetIssuer(r.issuer)
    else this.changedAt.set(r.issuer, ++this.tick)
  }

  about (subject: string): Iterable<R> {
    return this.bySubject.get(subject)?.values() ?? []
  }

  by (issuer: string): Iterable<R> {
    return this.mine(issuer)?.values() ?? []
  }

  /** How many live reports an issuer has here. */
  countBy (issuer: string): number {
    return this.mine(issuer)?.size ?? 0
  }

  /** How many issuers have reports here. */
  get issuers (): number {
    return this.byIssuer.size
  }

  /** Whether any issuer may vouch for anyone here: when none does, looking for vouches is skipped. */
  get hasVouches (): boolean {
    for (const v of this.vouches.values()) if (v.size > 0) return true
    return false
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
    for (const subject of mine.keys()) {
      const about = this.bySubject.get(subject)
      about?.delete(issuer)
      if (about?.size === 0) this.bySubject.delete(subject)
    }
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
    this.lastIssuer = undefined
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
        const about = this.bySubject.get(subject)
        about?.delete(issuer)
        if (about?.size === 0) this.bySubject.delete(subject)
        this.vouches.get(issuer)?.delete(subject)
        dropped++
      }
      if (mine.size !== before) this.changedAt.set(issuer, ++this.tick)
      if (mine.size === 0) this.forgetIssuer(issuer)
    }
    this.count -= dropped
    return dropped
  }
}

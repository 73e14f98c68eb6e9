// The three selection models the simulation compares: agentwire (the node's own aggregation code,
// src/reputation/model.ts), EigenTrust (Kamvar, Schlosser, Garcia-Molina 2003, with pre-trusted
// peers), and none (uniform random choice).
import { ReputationModel } from '../../src/reputation/model.ts'
import { reportableEvidence, type Outcome } from '../../src/reputation/evidence.ts'
import { anchorOpinionFrom, type AnchorOpinion } from '../../src/reputation/anchor-opinion.ts'
import type { ModelParams } from '../../src/reputation/model-params.ts'
import { ReportStore } from '../../src/reputation/report-store.ts'
import { QuarantineBook } from '../../src/reputation/quarantine.ts'
import type { ReportBody } from '../../src/reputation/report.ts'
import type { ReputationConfig } from '../../src/config/reputation-schema.ts'
import { modelParams, quarantineParams } from '../../src/reputation/params.ts'
import type { Rng } from '../lib/rng.ts'

export const MODEL_NAMES: readonly string[] = ['agentwire', 'eigentrust', 'none']
export type ModelName = 'agentwire' | 'eigentrust' | 'none'

export interface Chooser {
  /** Which candidate the observer sends its request to, or null to send none. */
  choose: (observer: string, candidates: string[], now: number) => string | null
  /** The observer's own outcome with a provider. */
  outcome: (observer: string, provider: string, outcome: Outcome, now: number) => void
  /** A (possibly fabricated) cumulative opinion an agent publishes about a subject. */
  claim: (issuer: string, subject: string, positive: number, negative: number, now: number) => void
  /** Agents that behave honestly this round republish their evidence, as a node does every hour. */
  republish: (ids: string[], now: number) => void
  /** End of a round: gossip, recomputation. */
  endRound: (now: number) => void
  /** An identity leaves for good (whitewashing). */
  retire: (id: string) => void
  /** `copier` republishes up to `n` of `source`'s public opinions as its own (copycat Sybils): same counts, same date. */
  echo: (copier: string, source: string, n: number, now: number) => void
}

export type QuarantineListener = (observer: string, subject: string, now: number, reason: string) => void

const ROUND_MS = 60 * 60 * 1000

export class AgentwireChooser implements Chooser {
  // One store for every agent, so the per-subject cap (ranked by each node's own credibility) is not
  // modelled here: it bounds a node's work (test/reputation-flood.test.ts, bench report-flood), and
  // the reports it would evict are strangers' reports, which decide nothing.
  private readonly store = new ReportStore<ReportBody>({ maxReports: 10_000_000, maxReportersPerSubject: Infinity })
  private readonly models = new Map<string, ReputationModel>()
  private readonly pending = new Set<string>()
  private readonly seq = new Map<string, number>()
  private readonly touched = new Set<string>()
  private readonly cfg: ReputationConfig
  private readonly rng: Rng
  private readonly onQuarantine: QuarantineListener
  /** Observers that judge every subject with fresh reports each round, as a node does on arrival. */
  private readonly panel: string[]
  /** The same pre-trusted peers EigenTrust gets: on a node, the peers approved by handshake. */
  private readonly anchors: Set<string>
  private rounds = 0
  /** Credibility is recomputed every round (one round is one hour of simulated time). */
  private readonly params: ModelParams
  /** Every agent has the same anchors, so their opinion of a subject is computed once for all. */
  private readonly anchorOpinions = new Map<string, { opinion: AnchorOpinion | undefined, now: number }>()
  private readonly isAnchor = (peer: string): boolean => this.anchors.has(peer)

  constructor (cfg: ReputationConfig, rng: Rng, panel: string[], onQuarantine: QuarantineListener, anchors: string[] = []) {
    this.cfg = cfg
    this.rng = rng
    this.panel = panel
    this.onQuarantine = onQuarantine
    this.anchors = new Set(anchors)
    this.params = modelParams(cfg, ROUND_MS - 1)
  }

  private readonly anchorOpinion = (subject: string, now: number): AnchorOpinion | undefined => {
    const cached = this.anchorOpinions.get(subject)
    if (cached?.now === now) return cached.opinion
    const opinion = anchorOpinionFrom(this.store, this.isAnchor, subject, now, this.params)
    this.anchorOpinions.set(subject, { opinion, now })
    return opinion
  }

  private model (id: string): ReputationModel {
    let m = this.models.get(id)
    if (m == null) this.models.set(id, m = new ReputationModel(id, this.params, this.store, new QuarantineBook(quarantineParams(this.cfg)), this.isAnchor, this.anchorOpinion))
    return m
  }

  private judge (observer: string, subject: string, now: number): ReturnType<ReputationModel['judge']> {
    const j = this.model(observer).judge(subject, now)
    if (j.entered != null) this.onQuarantine(observer, subject, now, j.entered.reason)
    return j
  }

  choose (observer: string, candidates: string[], now: number): string | null {
    const rank = { accept: 3, throttle: 2, unknown: 1, refuse: 0, quarantined: 0 }
    let best: string | null = null
    let bestKey = -1
    for (const c of candidates) {
      const j = this.judge(observer, c, now)
      const r = rank[j.state]
      if (r === 0) continue
      const key = r * 10 + j.view.score + this.rng.next() * 1e-6
      if (key > bestKey) { bestKey = key; best = c }
    }
    return best
  }

  outcome (observer: string, provider: string, outcome: Outcome, now: number): void {
    this.model(observer).record(provider, outcome, now)
    this.judge(observer, provider, now)
    this.pending.add(observer + '|' + provider)
  }

  /**
   * `news`: the report says something new, so the panel judges its subject, as a node judges on
   * arrival. Only reports with negative evidence: a refresh, or praise, cannot start a quarantine
   * (and skipping them halves the cost of a 1000-agent run).
   */
  private publish (issuer: string, subject: string, positive: number, negative: number, issuedAt: number, now: number, news = true): void {
    const key = issuer + '|' + subject
    const seq = (this.seq.get(key) ?? 0) + 1
    this.seq.set(key, seq)
    this.store.put({ issuer, subject, positive, negative, vouch: 0, seq, issuedAt, expiresAt: now + this.cfg.reportTtlMs }, now)
    if (this.anchors.has(issuer)) this.anchorOpinions.delete(subject)
    if (news && negative > 0) this.touched.add(subject)
  }

  /** An agent's report of its own evidence, dated as a node dates it (see reportableEvidence). */
  private publishOwn (m: ReputationModel, subject: string, now: number, news: boolean): void {
    const d = reportableEvidence(m.directRaw(subject), now, this.cfg.reportTtlMs, m.params)
    this.publish(m.self, subject, d.positive, d.negative, d.at, now, news)
  }

  claim (issuer: string, subject: string, positive: number, negative: number, now: number): void {
    this.publish(issuer, subject, positive, negative, now, now)
  }

  republish (ids: string[], now: number): void {
    for (const id of ids) {
      const m = this.models.get(id)
      if (m == null) continue
      for (const subject of m.directSubjects()) {
        if (this.pending.has(id + '|' + subject)) continue
        this.publishOwn(m, subject, now, false)
      }
    }
  }

  endRound (now: number): void {
    for (const key of this.pending) {
      const [issuer, subject] = key.split('|')
      this.publishOwn(this.model(issuer), subject, now, true)
    }
    this.pending.clear()
    for (const observer of this.panel) {
      for (const subject of this.touched) if (subject !== observer) this.judge(observer, subject, now)
    }
    this.touched.clear()
    if (++this.rounds % 24 === 0) this.store.prune(now)
  }

  retire (id: string): void {
    this.store.dropIssuer(id)
  }

  echo (copier: string, source: string, n: number, now: number): void {
    const theirs = [...this.store.by(source)].filter(r => r.subject !== copier && r.expiresAt > now)
    for (const r of this.rng.sample(theirs, Math.min(n, theirs.length))) this.publish(copier, r.subject, r.positive, r.negative, r.issuedAt, now, false)
  }
}

/**
 * EigenTrust: normalised local trust c_ij = max(s_ij, 0) / sum_j max(s_ij, 0), global trust
 * t = (1 - a) C^T t + a p with p uniform over pre-trusted peers, and the paper's probabilistic
 * selection (by global trust, with 10% of choices among zero-trust candidates).
 */
export class EigenTrustChooser implements Chooser {
  private readonly local = new Map<string, Map<string, number>>()
  private trust = new Map<string, number>()
  private readonly pretrusted: string[]
  private readonly rng: Rng
  private readonly a: number

  constructor (pretrusted: string[], rng: Rng, a = 0.1) {
    this.pretrusted = pretrusted
    this.rng = rng
    this.a = a
    for (const p of pretrusted) this.trust.set(p, 1 / pretrusted.length)
  }

  private row (i: string): Map<string, number> {
    let r = this.local.get(i)
    if (r == null) this.local.set(i, r = new Map())
    return r
  }

  choose (_observer: string, candidates: string[], _now: number): string | null {
    const withTrust = candidates.filter(c => (this.trust.get(c) ?? 0) > 1e-12)
    const zero = candidates.filter(c => (this.trust.get(c) ?? 0) <= 1e-12)
    if (withTrust.length === 0 || (zero.length > 0 && this.rng.next() < 0.1)) return this.rng.pick(zero.length > 0 ? zero : candidates)
    const total = withTrust.reduce((s, c) => s + this.trust.get(c)!, 0)
    let x = this.rng.next() * total
    for (const c of withTrust) { x -= this.trust.get(c)!; if (x <= 0) return c }
    return withTrust[withTrust.length - 1]
  }

  outcome (observer: string, provider: string, outcome: Outcome, _now: number): void {
    const r = this.row(observer)
    r.set(provider, (r.get(provider) ?? 0) + (outcome === 'ok' ? 1 : -1))
  }

  claim (issuer: string, subject: string, positive: number, negative: number, _now: number): void {
    this.row(issuer).set(subject, positive - negative)
  }

  republish (): void {}

  endRound (_now: number): void {
    const p = new Map<string, number>()
    for (const id of this.pretrusted) p.set(id, 1 / this.pretrusted.length)
    // Normalised rows, computed once per round.
    const rows = new Map<string, Array<[string, number]>>()
    for (const [i, r] of this.local) {
      let sum = 0
      for (const v of r.values()) if (v > 0) sum += v
      if (sum > 0) rows.set(i, [...r].filter(([, v]) => v > 0).map(([j, v]) => [j, v / sum]))
    }
    let t = new Map(this.trust.size > 0 ? this.trust : p)
    for (let iter = 0; iter < 30; iter++) {
      const next = new Map<string, number>()
      let dangling = 0
      for (const [i, ti] of t) {
        const r = rows.get(i)
        // A peer with no positive opinions trusts the pre-trusted peers (the paper's rule).
        if (r == null) { dangling += ti; continue }
        for (const [j, c] of r) next.set(j, (next.get(j) ?? 0) + (1 - this.a) * c * ti)
      }
      for (const [j, pj] of p) next.set(j, (next.get(j) ?? 0) + ((1 - this.a) * dangling + this.a) * pj)
      let delta = 0
      for (const [j, v] of next) delta += Math.abs(v - (t.get(j) ?? 0))
      t = next
      if (delta < 1e-6) break
    }
    this.trust = t
  }

  retire (id: string): void {
    this.local.delete(id)
    this.trust.delete(id)
  }

  echo (copier: string, source: string, n: number): void {
    const theirs = [...(this.local.get(source) ?? [])].filter(([subject]) => subject !== copier)
    const mine = this.row(copier)
    for (const [subject, v] of this.rng.sample(theirs, Math.min(n, theirs.length))) mine.set(subject, v)
  }
}

export class RandomChooser implements Chooser {
  private readonly rng: Rng
  constructor (rng: Rng) { this.rng = rng }
  choose (_o: string, candidates: string[]): string | null { return this.rng.pick(candidates) }
  outcome (): void {}
  claim (): void {}
  republish (): void {}
  endRound (): void {}
  retire (): void {}
  echo (): void {}
}

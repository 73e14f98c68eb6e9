// The reputation service: records outcomes, answers what the node thinks of a peer, and ties the
// parts together — our reports on the topic (report-publisher.ts), others' reports arriving
// (report-intake.ts, validator.ts), the aggregation model (model.ts) and quarantine as the node
// enforces it (quarantine-keeper.ts), with GossipSub scoring in gossip-score.ts.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import { reputationSchema, type ReputationConfig, type ReputationConfigInput } from '../config/reputation-schema.ts'
import { ReputationModel } from './model.ts'
import { OUTCOMES, type Outcome, type Evidence, type DatedEvidence } from './evidence.ts'
import type { View } from './verdict.ts'
import { ReportStore } from './report-store.ts'
import { QuarantineBook, type QuarantineRecord } from './quarantine.ts'
import { ReportValidator } from './validator.ts'
import type { TrustReport } from './report.ts'
import { modelParams, quarantineParams } from './params.ts'
import { NotQuarantinedError, SelfRatingError, UnknownOutcomeError } from './errors.ts'
import { DIRECT_PREFIX, QUARANTINE_TICK_MS } from './constants.ts'
import { EventFeed, type ReputationEvent } from './event-feed.ts'
import { ReportPublisher } from './report-publisher.ts'
import { ReportIntake } from './report-intake.ts'
import { QuarantineKeeper } from './quarantine-keeper.ts'
import { appSpecificScore } from './gossip-score.ts'

export interface ReputationComponents {
  /** Only pubsub, hangUp and connection events are used. */
  libp2p: Pick<AgentLibp2p, 'hangUp' | 'addEventListener' | 'removeEventListener'> & { services: { pubsub: AgentLibp2p['services']['pubsub'] } }
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  /** Where rating and quarantine decisions are recorded. */
  audit?: { append: (event: string, fields?: Record<string, unknown>) => Promise<unknown> }
  log: Logger
  /** Peers this node trusts by handshake: their reports start out believed (the model's anchors). */
  isTrusted?: (peerId: string) => boolean
}

export type ReputationInit = ReputationConfigInput

/** The model's view of a peer (see `View`), as the CLI and control API show it. */
export interface ReputationView extends Pick<View, 'score' | 'state' | 'evidence' | 'reporters' | 'credibleReporters' | 'condemnedBy' | 'supportedBy'> {
  peerId: string
  quarantine: { level: number, since: string, until: string, durationMs: number, reason: string } | null
  /** Rejected or flooded reports from this peer, decayed. */
  abuse: number
}

export type RateOutcome = Outcome | 'fail'

function toOutcome (o: string): Outcome {
  if (o === 'fail') return 'failed'
  if ((OUTCOMES as readonly string[]).includes(o)) return o as Outcome
  throw new UnknownOutcomeError(o)
}

export class ReputationService {
  readonly config: ReputationConfig
  private readonly c: ReputationComponents
  private readonly self: string
  private readonly store: ReportStore<TrustReport>
  private readonly book: QuarantineBook
  private readonly model: ReputationModel
  private readonly events = new EventFeed()
  private readonly publisher: ReportPublisher
  private readonly intake: ReportIntake
  private readonly keeper: QuarantineKeeper
  private pruner: ReturnType<typeof setInterval> | undefined
  private running = false

  constructor (components: ReputationComponents, init: ReputationInit = {}) {
    this.c = components
    this.config = reputationSchema.parse(init)
    this.self = components.peerId.toString()
    this.book = new QuarantineBook(quarantineParams(this.config))
    // Eviction order: strangers first, then credible reporters, then those we have a relationship
    // with; our own reports are never evicted for anyone else's.
    this.store = new ReportStore<TrustReport>({
      maxReports: this.config.maxStoredReports,
      maxReportersPerSubject: this.config.maxReportersPerSubject,
      rank: issuer => this.rankIssuer(issuer)
    })
    this.model = new ReputationModel(this.self, modelParams(this.config), this.store, this.book, components.isTrusted)
    const emit = (e: ReputationEvent): void => { this.events.emit(e) }
    const pubsub = components.libp2p.services.pubsub
    this.keeper = new QuarantineKeeper({ libp2p: components.libp2p, datastore: components.datastore, ...(components.audit != null ? { audit: components.audit } : {}), log: components.log, model: this.model, book: this.book, emit }, Math.min(QUARANTINE_TICK_MS, this.config.quarantineMs))
    this.publisher = new ReportPublisher({ libp2p: components.libp2p, pubsub, self: this.self, privateKey: components.privateKey, model: this.model, store: this.store, log: components.log, emit }, this.config)
    this.intake = new ReportIntake({
      pubsub,
      self: this.self,
      validator: new ReportValidator(this.store, { perIssuer: this.config.perIssuer, perPair: this.config.perPair, perForwarder: this.config.perForwarder }),
      log: components.log,
      emit,
      judge: async (subject, now) => { await this.keeper.judge(subject, now) }
    })
  }

  async start (): Promise<void> {
    if (this.running) return
    await this.load()
    if (this.config.gossip) this.intake.start()
    this.keeper.start()
    this.publisher.start()
    if (this.config.gossip) {
      this.pruner = setInterval(() => { this.pruneReports() }, this.config.pruneIntervalMs)
      this.pruner.unref?.()
    }
    this.running = true
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    this.keeper.stop()
    clearInterval(this.pruner)
    this.publisher.stop()
    if (this.config.gossip) this.intake.stop()
    this.events.clear()
  }

  // ---- recording outcomes ---------------------------------------------------------------------

  /**
   * Record the outcome of an interaction with a peer (a finished A2A call, or `agentwire rate`).
   * Publishes an updated report (rate-limited) and quarantines the peer if the evidence calls for it.
   * `outcome` is a {@link RateOutcome}; any other string is rejected with UnknownOutcomeError.
   */
  async rate (peer: string, outcome: string, options: { note?: string, now?: number, audit?: boolean } = {}): Promise<ReputationView> {
    const o = toOutcome(outcome)
    peerIdFromString(peer) // throws on a malformed PeerId
    if (peer === this.self) throw new SelfRatingError()
    const now = options.now ?? Date.now()
    const e = this.model.record(peer, o, now)
    await this.c.datastore.put(new Key(DIRECT_PREFIX + peer), fromString(JSON.stringify(e)))
    // A rating by hand is a decision and is audited; automatic outcomes of calls are not, since the
    // call itself is in the callee's audit log and a line per outbound call would double the disk work.
    if (options.audit !== false) await this.c.audit?.append('reputation.rate', { peer, outcome: o, ...(options.note != null ? { note: options.note } : {}) })
    this.events.emit({ type: 'outcome', at: now, peerId: peer, outcome: o, ...(options.note != null ? { note: options.note } : {}) })
    await this.keeper.judge(peer, now)
    this.publisher.schedule(peer)
    return this.get(peer)
  }

  /** The hook for finished A2A calls: same as `rate`, never throws (a failed record must not fail a call). */
  recordOutcome (peer: string, outcome: Outcome, note?: string): void {
    this.rate(peer, outcome, { audit: false, ...(note != null ? { note } : {}) }).catch((err: unknown) => { this.c.log.warn({ err, peer }, 'could not record outcome') })
  }

  // ---- queries ----------------------------------------------------------------------------------

  get (peer: string, now = Date.now()): ReputationView {
    const v = this.model.view(peer, now)
    const q = this.book.isActive(peer, now) ? this.book.get(peer) : undefined
    return {
      peerId: peer,
      score: Math.round(v.score * 1000) / 1000,
      state: q != null ? 'quarantined' : v.state,
      evidence: { direct: round(v.evidence.direct), hearsay: round(v.evidence.hearsay), vouch: round(v.evidence.vouch), strangers: round(v.evidence.strangers) },
      reporters: v.reporters,
      credibleReporters: v.credibleReporters,
      condemnedBy: v.condemnedBy,
      supportedBy: v.supportedBy,
      quarantine: q == null ? null : { level: q.level, since: new Date(q.since).toISOString(), until: new Date(q.until).toISOString(), durationMs: q.durationMs, reason: q.reason },
      abuse: Math.round(this.abuse(peer, now) * 100) / 100
    }
  }

  /** Every peer this node has evidence, reports or a quarantine record about. */
  list (now = Date.now()): ReputationView[] {
    const peers = new Set<string>([...this.model.directSubjects(), ...this.store.subjects(), ...this.book.all().map(r => r.peerId)])
    peers.delete(this.self)
    return [...peers].map(p => this.get(p, now)).sort((a, b) => b.score - a.score)
  }

  /** The quarantine record of a peer (active or past), for tests and `status`. */
  quarantineRecord (peer: string): QuarantineRecord | undefined {
    const r = this.book.get(peer)
    return r == null ? undefined : { ...r }
  }

  isQuarantined (peer: string, now = Date.now()): boolean {
    return this.book.isActive(peer, now)
  }

  /** `trust.policy: reputation` admits peers in `accept`. */
  admits (peer: string): boolean {
    return this.get(peer).state === 'accept'
  }

  /** Application-specific GossipSub score: graylists quarantined peers, suppresses gossip to refused and abusive ones. */
  gossipScore (peer: string): number {
    const now = Date.now()
    // The view is the costly part, and a quarantined peer's score does not depend on it.
    if (this.book.isActive(peer, now)) return appSpecificScore('quarantined', 0)
    return appSpecificScore(this.model.view(peer, now).state, this.abuse(peer, now))
  }

  abuse (peer: string, now = Date.now()): number {
    return this.intake.abuse(peer, now)
  }

  /** Lift a quarantine by the operator's decision; our own bad evidence about the peer is forgiven. */
  async unquarantine (peer: string): Promise<ReputationView> {
    const now = Date.now()
    const r = this.book.lift(peer, now)
    if (r == null) throw new NotQuarantinedError(peer)
    this.model.setDirect(peer, { positive: this.model.directNow(peer, now).positive, negative: 0, at: now })
    await this.keeper.persist(r)
    await this.c.audit?.append('reputation.unquarantine', { peer, level: r.level })
    this.events.emit({ type: 'release', at: now, peerId: peer, by: 'operator' })
    this.publisher.schedule(peer)
    return this.get(peer)
  }

  /**
   * Events as they happen: verified reports from other nodes, our own publications, outcomes,
   * quarantines and releases. Ends when `signal` aborts; a slow reader loses the oldest events.
   */
  watch (options: { signal?: AbortSignal } = {}): AsyncGenerator<ReputationEvent> {
    return this.events.watch(() => this.running, options)
  }

  /** What the report store holds, for `status`, tests and the bench. */
  storeStats (): { reports: number, issuers: number, evicted: number, reportersOf: (subject: string) => number, holds: (issuer: string, subject: string) => boolean } {
    return {
      reports: this.store.size,
      issuers: this.store.issuers,
      evicted: this.store.evicted,
      reportersOf: subject => this.store.reportersOf(subject),
      holds: (issuer, subject) => this.store.get(issuer, subject) != null
    }
  }

  /** Drop expired reports now (the prune timer does this every `pruneIntervalMs`); returns how many went. */
  pruneReports (now = Date.now()): number {
    const n = this.store.prune(now)
    if (n > 0) this.c.log.debug({ pruned: n, left: this.store.size }, 'expired trust reports dropped')
    return n
  }

  private rankIssuer (issuer: string): number {
    if (issuer === this.self) return 3
    const now = Date.now()
    if (this.model.related(issuer, now)) return 2
    return this.model.credibility(issuer, now) >= this.config.credibleThreshold ? 1 : 0
  }

  private async load (): Promise<void> {
    const direct: Array<[string, DatedEvidence]> = []
    for await (const { key, value } of this.c.datastore.query({ prefix: DIRECT_PREFIX })) {
      try { direct.push([key.toString().slice(DIRECT_PREFIX.length), JSON.parse(toString(value)) as DatedEvidence]) } catch (err) { this.c.log.warn({ err, key: key.toString() }, 'skipped an unreadable stored outcome') }
    }
    // Oldest first, so the model's notion of "our latest dealings" survives a restart.
    direct.sort((a, b) => a[1].at - b[1].at)
    for (const [subject, e] of direct) this.model.setDirect(subject, e)
    await this.keeper.restore()
  }
}

function round (e: Evidence): Evidence {
  return { positive: Math.round(e.positive * 1000) / 1000, negative: Math.round(e.negative * 1000) / 1000 }
}

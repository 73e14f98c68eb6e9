// The reputation service: records outcomes, publishes signed trust reports on GossipSub (on change,
// rate-limited, republished before they expire), validates and stores others' reports, judges peers
// with the aggregation model, and enforces quarantine (hang up, refuse, graylist in GossipSub).
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { TopicValidatorResult, type SubscriptionChangeData } from '@libp2p/gossipsub'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import { reputationSchema, type ReputationConfig, type ReputationConfigInput } from '../config/reputation-schema.ts'
import { ReputationModel } from './model.ts'
import { reportableEvidence, OUTCOMES, type Outcome, type Evidence, type DatedEvidence } from './evidence.ts'
import type { View } from './verdict.ts'
import { ReportStore } from './report-store.ts'
import { QuarantineBook, type QuarantineRecord } from './quarantine.ts'
import { ReportValidator, type Verdict } from './validator.ts'
import { encodeReport, signReport, type TrustReport } from './report.ts'
import { modelParams, quarantineParams } from './params.ts'
import { NotQuarantinedError, SelfRatingError, UnknownOutcomeError } from './errors.ts'
import { DIRECT_PREFIX, QUARANTINE_PREFIX, QUARANTINE_TICK_MS, RESUBSCRIBE_INTERVAL_MS, TRUST_TOPIC, UNHEARD_RETRIES, UNHEARD_RETRY_MS, WATCH_BUFFER } from './constants.ts'
import { resubscribeEvery } from './resubscribe.ts'
import { RecentPublications } from './resend.ts'

/** Half-life of a peer's gossip-abuse count (rejected or flooded reports), in ms. */
const ABUSE_HALF_LIFE_MS = 10 * 60 * 1000
/** Abuse added for a report GossipSub must reject, and for one ignored as part of a flood. */
const ABUSE_REJECT = 1
const ABUSE_FLOOD = 0.25
/** Most reports republished per republish tick, so one tick stays cheap. */
const MAX_REPUBLISH_PER_TICK = 1000
/** Application-specific GossipSub score (before GossipSub's appSpecificWeight, default 10). */
const GOSSIP_SCORE_QUARANTINED = -10
const GOSSIP_SCORE_REFUSED = -2
const GOSSIP_SCORE_ACCEPTED = 1
const GOSSIP_SCORE_FLOOR = -20

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

export type ReportJson = Omit<TrustReport, 'sig'>

export type ReputationEvent =
  | { type: 'report', at: number, from: string, report: ReportJson }
  | { type: 'published', at: number, report: ReportJson }
  | { type: 'rejected', at: number, from: string, code: string, reason: string }
  | { type: 'ignored', at: number, from: string, issuer: string, code: string }
  | { type: 'outcome', at: number, peerId: string, outcome: Outcome, note?: string }
  | { type: 'quarantine', at: number, peerId: string, level: number, until: number, durationMs: number, reason: string }
  | { type: 'release', at: number, peerId: string, by: 'expiry' | 'operator' }

export type RateOutcome = Outcome | 'fail'

function toOutcome (o: string): Outcome {
  if (o === 'fail') return 'failed'
  if ((OUTCOMES as readonly string[]).includes(o)) return o as Outcome
  throw new UnknownOutcomeError(o)
}

function strip (r: TrustReport): ReportJson {
  const { sig: _sig, ...rest } = r
  return rest
}

export class ReputationService {
  readonly config: ReputationConfig
  private readonly c: ReputationComponents
  private readonly self: string
  private readonly store: ReportStore<TrustReport>
  private readonly book: QuarantineBook
  private readonly model: ReputationModel
  private readonly validator: ReportValidator
  private readonly abuseBy = new Map<string, { value: number, at: number }>()
  private readonly lastPublished = new Map<string, number>()
  private readonly publishTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly watchers = new Set<(e: ReputationEvent) => void>()
  private lastSeq = 0
  private tick: ReturnType<typeof setInterval> | undefined
  private republish: ReturnType<typeof setInterval> | undefined
  private pruner: ReturnType<typeof setInterval> | undefined
  private stopResubscribe: () => void = () => {}
  private running = false
  private readonly recent = new RecentPublications()
  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => { this.recent.disconnected(evt.detail.toString()) }
  private readonly onSubscriptionChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    if (!evt.detail.subscriptions.some(s => s.topic === TRUST_TOPIC && s.subscribe)) return
    void this.resendMissed(evt.detail.peerId.toString())
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    if (this.isQuarantined(peer)) void this.c.libp2p.hangUp(evt.detail).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not hang up on a quarantined peer') })
  }

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
    this.validator = new ReportValidator(this.store, { perIssuer: this.config.perIssuer, perPair: this.config.perPair, perForwarder: this.config.perForwarder })
  }

  async start (): Promise<void> {
    if (this.running) return
    await this.load()
    const pubsub = this.c.libp2p.services.pubsub
    if (this.config.gossip) {
      pubsub.topicValidators.set(TRUST_TOPIC, async (from, msg) => await this.validate(from.toString(), msg))
      pubsub.subscribe(TRUST_TOPIC)
    }
    this.c.libp2p.addEventListener('peer:connect', this.onConnect)
    this.c.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    if (this.config.gossip) pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    this.tick = setInterval(() => { this.expireQuarantines() }, Math.min(QUARANTINE_TICK_MS, this.config.quarantineMs))
    this.tick.unref?.()
    if (this.config.gossip) {
      this.republish = setInterval(() => { void this.republishAll() }, this.config.republishIntervalMs)
      this.republish.unref?.()
      this.pruner = setInterval(() => { this.pruneReports() }, this.config.pruneIntervalMs)
      this.pruner.unref?.()
      this.stopResubscribe = resubscribeEvery(pubsub, TRUST_TOPIC, RESUBSCRIBE_INTERVAL_MS, this.c.log)
    }
    this.running = true
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearInterval(this.tick)
    clearInterval(this.republish)
    clearInterval(this.pruner)
    this.stopResubscribe()
    for (const t of this.publishTimers.values()) clearTimeout(t)
    this.publishTimers.clear()
    this.c.libp2p.removeEventListener('peer:connect', this.onConnect)
    this.c.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    const pubsub = this.c.libp2p.services.pubsub
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    this.recent.clear()
    if (this.config.gossip) {
      try { pubsub.unsubscribe(TRUST_TOPIC) } catch (err) { this.c.log.debug({ err }, 'could not unsubscribe from the trust topic') }
      pubsub.topicValidators.delete(TRUST_TOPIC)
    }
    this.watchers.clear()
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
    this.emit({ type: 'outcome', at: now, peerId: peer, outcome: o, ...(options.note != null ? { note: options.note } : {}) })
    await this.judge(peer, now)
    this.schedulePublish(peer)
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
    if (this.book.isActive(peer, now)) return GOSSIP_SCORE_QUARANTINED
    let s = 0
    const state = this.model.view(peer, now).state
    if (state === 'refuse') s += GOSSIP_SCORE_REFUSED
    else if (state === 'accept') s += GOSSIP_SCORE_ACCEPTED
    s -= this.abuse(peer, now)
    return Math.max(GOSSIP_SCORE_FLOOR, s)
  }

  abuse (peer: string, now = Date.now()): number {
    const a = this.abuseBy.get(peer)
    return a == null ? 0 : a.value * Math.pow(0.5, (now - a.at) / ABUSE_HALF_LIFE_MS)
  }

  /** Lift a quarantine by the operator's decision; our own bad evidence about the peer is forgiven. */
  async unquarantine (peer: string): Promise<ReputationView> {
    const now = Date.now()
    const r = this.book.lift(peer, now)
    if (r == null) throw new NotQuarantinedError(peer)
    this.model.setDirect(peer, { positive: this.model.directNow(peer, now).positive, negative: 0, at: now })
    await this.persistQuarantine(r)
    await this.c.audit?.append('reputation.unquarantine', { peer, level: r.level })
    this.emit({ type: 'release', at: now, peerId: peer, by: 'operator' })
    this.schedulePublish(peer)
    return this.get(peer)
  }

  /**
   * Events as they happen: verified reports from other nodes, our own publications, outcomes,
   * quarantines and releases. Ends when `signal` aborts; a slow reader loses the oldest events.
   */
  async * watch (options: { signal?: AbortSignal } = {}): AsyncGenerator<ReputationEvent> {
    const queue: ReputationEvent[] = []
    let wake: (() => void) | undefined
    const listener = (e: ReputationEvent): void => {
      queue.push(e)
      if (queue.length > WATCH_BUFFER) queue.shift()
      wake?.()
    }
    const onAbort = (): void => wake?.()
    this.watchers.add(listener)
    options.signal?.addEventListener('abort', onAbort)
    try {
      while (options.signal?.aborted !== true && this.running) {
        const next = queue.shift()
        if (next != null) { yield next; continue }
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
      }
    } finally {
      this.watchers.delete(listener)
      options.signal?.removeEventListener('abort', onAbort)
    }
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

  // ---- gossip -------------------------------------------------------------------------------------

  private async validate (from: string, msg: { type: string, data: Uint8Array }): Promise<TopicValidatorResult> {
    const now = Date.now()
    if (msg.type !== 'signed') {
      this.addAbuse(from, ABUSE_REJECT, now)
      this.emit({ type: 'rejected', at: now, from, code: 'UNSIGNED', reason: 'unsigned gossip message' })
      return TopicValidatorResult.Reject
    }
    let verdict: Verdict
    try {
      verdict = await this.validator.check(msg.data, now, from)
    } catch (err) {
      this.c.log.debug({ err }, 'report validation failed')
      return TopicValidatorResult.Ignore
    }
    if (verdict.action === 'reject') {
      this.addAbuse(from, ABUSE_REJECT, now)
      this.emit({ type: 'rejected', at: now, from, code: verdict.code, reason: verdict.reason })
      return TopicValidatorResult.Reject
    }
    if (verdict.action === 'ignore') {
      // An issuer over its rate is abusing the topic. A forwarder over its budget, or passing on a
      // report we already hold (replayed by someone, or one it never saw or evicted), may be an honest
      // relay: not held against it, or its score falls below GossipSub's thresholds (the flood test
      // saw an honest hub graylisted this way) and honest reports through it are cut off.
      if (verdict.code !== 'FORWARDER_FLOOD' && verdict.code !== 'STALE_SEQ') this.addAbuse(verdict.blame, ABUSE_FLOOD, now)
      this.emit({ type: 'ignored', at: now, from, issuer: verdict.issuer, code: verdict.code })
      return TopicValidatorResult.Ignore
    }
    this.emit({ type: 'report', at: now, from, report: strip(verdict.report) })
    if (verdict.report.subject !== this.self) await this.judge(verdict.report.subject, now)
    return TopicValidatorResult.Accept
  }

  private schedulePublish (peer: string): void {
    if (!this.config.gossip || !this.running || this.publishTimers.has(peer)) return
    const wait = Math.max(0, (this.lastPublished.get(peer) ?? 0) + this.config.publishIntervalMs - Date.now())
    const timer = setTimeout(() => {
      this.publishTimers.delete(peer)
      void this.publish(peer).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not publish trust report') })
    }, wait)
    timer.unref?.()
    this.publishTimers.set(peer, timer)
  }

  /** Sign and publish our current evidence about a peer. */
  private async publish (peer: string, vouch?: number, attempt = 0): Promise<ReportJson | null> {
    if (!this.config.gossip || !this.running) return null
    const now = Date.now()
    const d = reportableEvidence(this.model.directRaw(peer), now, this.config.reportTtlMs, this.model.params)
    const previous = this.store.get(this.self, peer)
    const seq = this.lastSeq = Math.max(this.lastSeq + 1, now)
    const report = await signReport(this.c.privateKey, {
      issuer: this.self,
      subject: peer,
      positive: d.positive,
      negative: d.negative,
      vouch: vouch ?? previous?.vouch ?? 0,
      seq,
      issuedAt: d.at,
      expiresAt: now + this.config.reportTtlMs
    })
    this.store.put(report)
    this.lastPublished.set(peer, now)
    const data = encodeReport(report)
    const sent = await this.c.libp2p.services.pubsub.publish(TRUST_TOPIC, data)
    this.recent.published(peer, data, sent.recipients.map(p => p.toString()), now)
    this.emit({ type: 'published', at: now, report: strip(report) })
    // Heard by no one (no peer known on the topic yet, or all below GossipSub's publish threshold):
    // say it again a little later rather than wait for the hourly republication.
    if (sent.recipients.length === 0) this.retryUnheard(peer, attempt)
    return strip(report)
  }

  private retryUnheard (peer: string, attempt: number): void {
    if (attempt >= UNHEARD_RETRIES || !this.running || this.publishTimers.has(peer)) return
    const timer = setTimeout(() => {
      this.publishTimers.delete(peer)
      void this.publish(peer, undefined, attempt + 1).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not publish trust report') })
    }, UNHEARD_RETRY_MS)
    timer.unref?.()
    this.publishTimers.set(peer, timer)
  }

  /** `peer` listens on the topic: publish again the recent reports of ours it was not handed. */
  private async resendMissed (peer: string): Promise<void> {
    if (!this.running) return
    for (const { subject, data } of this.recent.missedBy(peer, Date.now())) {
      try {
        const sent = await this.c.libp2p.services.pubsub.publish(TRUST_TOPIC, data)
        this.recent.resent(subject, data, sent.recipients.map(p => p.toString()))
      } catch (err) { this.c.log.debug({ err, peer, subject }, 'could not publish a trust report again') }
    }
  }

  private async republishAll (): Promise<void> {
    let n = 0
    for (const peer of [...this.model.directSubjects()]) {
      if (++n > MAX_REPUBLISH_PER_TICK || !this.running) break
      await this.publish(peer).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not republish trust report') })
    }
  }

  // ---- judging and quarantine ---------------------------------------------------------------------

  private async judge (peer: string, now: number): Promise<void> {
    const j = this.model.judge(peer, now)
    if (j.entered == null) return
    const r = j.entered
    this.c.log.info({ peer, level: r.level, until: new Date(r.until).toISOString(), reason: r.reason }, 'peer quarantined')
    this.emit({ type: 'quarantine', at: now, peerId: peer, level: r.level, until: r.until, durationMs: r.durationMs, reason: r.reason })
    await this.persistQuarantine(r)
    await this.c.audit?.append('reputation.quarantine', { peer, level: r.level, until: new Date(r.until).toISOString(), reason: r.reason })
    try { await this.c.libp2p.hangUp(peerIdFromString(peer)) } catch (err) { this.c.log.debug({ err, peer }, 'could not hang up on a newly quarantined peer') }
  }

  private expireQuarantines (): void {
    const now = Date.now()
    for (const r of this.book.expire(now)) {
      this.emit({ type: 'release', at: now, peerId: r.peerId, by: 'expiry' })
      void this.persistQuarantine(r).catch((err: unknown) => { this.c.log.warn({ err, peer: r.peerId }, 'could not persist a quarantine release') })
      void this.c.audit?.append('reputation.release', { peer: r.peerId, level: r.level })?.catch((err: unknown) => { this.c.log.warn({ err, peer: r.peerId }, 'could not audit a quarantine release') })
    }
  }

  private async persistQuarantine (r: QuarantineRecord): Promise<void> {
    await this.c.datastore.put(new Key(QUARANTINE_PREFIX + r.peerId), fromString(JSON.stringify(r)))
  }

  private async load (): Promise<void> {
    const direct: Array<[string, DatedEvidence]> = []
    for await (const { key, value } of this.c.datastore.query({ prefix: DIRECT_PREFIX })) {
      try { direct.push([key.toString().slice(DIRECT_PREFIX.length), JSON.parse(toString(value)) as DatedEvidence]) } catch (err) { this.c.log.warn({ err, key: key.toString() }, 'skipped an unreadable stored outcome') }
    }
    // Oldest first, so the model's notion of "our latest dealings" survives a restart.
    direct.sort((a, b) => a[1].at - b[1].at)
    for (const [subject, e] of direct) this.model.setDirect(subject, e)
    for await (const { value } of this.c.datastore.query({ prefix: QUARANTINE_PREFIX })) {
      try { this.book.restore(JSON.parse(toString(value)) as QuarantineRecord) } catch (err) { this.c.log.warn({ err }, 'skipped an unreadable stored quarantine') }
    }
  }

  private addAbuse (peer: string, amount: number, now: number): void {
    this.abuseBy.set(peer, { value: this.abuse(peer, now) + amount, at: now })
    if (this.abuseBy.size > 10_000) {
      const oldest = this.abuseBy.keys().next()
      if (oldest.done !== true) this.abuseBy.delete(oldest.value)
    }
  }

  private emit (e: ReputationEvent): void {
    for (const w of this.watchers) w(e)
  }
}

/**
 * GossipSub topic score parameters for the trust topic: only invalid deliveries (P4) count, since
 * reports are rare and mesh-delivery counters would penalise honest peers on a quiet topic.
 */
export function trustTopicScoreParams (): Record<string, number> {
  return {
    topicWeight: 1,
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 1,
    firstMessageDeliveriesWeight: 0,
    firstMessageDeliveriesDecay: 0.5,
    firstMessageDeliveriesCap: 1,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    invalidMessageDeliveriesWeight: -10,
    // Per decay interval (1 s): about a 4-minute half-life.
    invalidMessageDeliveriesDecay: 0.997
  }
}

function round (e: Evidence): Evidence {
  return { positive: Math.round(e.positive * 1000) / 1000, negative: Math.round(e.negative * 1000) / 1000 }
}

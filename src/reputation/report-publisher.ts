// Our own trust reports on the topic. A report about a peer goes out when our evidence about it
// changes, at most once per `publishIntervalMs` per peer; every report is republished before it
// expires; one heard by no peer is said again a little later; and one a peer missed (resend.ts) is
// sent again when that peer announces the topic. Each report is signed anew with a higher seq, so
// the newest replaces the older ones everywhere and a replay adds nothing.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { SubscriptionChangeData } from '@libp2p/gossipsub'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import type { ReputationConfig } from '../config/reputation-schema.ts'
import type { ReputationModel } from './model.ts'
import type { ReportStore } from './report-store.ts'
import { reportableEvidence } from './evidence.ts'
import { encodeReport, signReport, type TrustReport } from './report.ts'
import { strip, type ReportJson, type ReputationEvent } from './event-feed.ts'
import { RecentPublications } from './resend.ts'
import { TRUST_TOPIC, UNHEARD_RETRIES, UNHEARD_RETRY_MS } from './constants.ts'

/** Most reports republished per republish tick, so one tick stays cheap. */
const MAX_REPUBLISH_PER_TICK = 1000

export interface ReportPublisherComponents {
  libp2p: Pick<AgentLibp2p, 'addEventListener' | 'removeEventListener'>
  pubsub: AgentLibp2p['services']['pubsub']
  self: string
  privateKey: PrivateKey
  model: Pick<ReputationModel, 'directRaw' | 'directSubjects' | 'params'>
  /** Our own reports are kept in the store too: the newest one's vouch carries over to the next. */
  store: Pick<ReportStore<TrustReport>, 'get' | 'put'>
  log: Logger
  emit: (e: ReputationEvent) => void
}

export type ReportPublisherConfig = Pick<ReputationConfig, 'gossip' | 'publishIntervalMs' | 'reportTtlMs' | 'republishIntervalMs'>

export class ReportPublisher {
  private readonly c: ReportPublisherComponents
  private readonly config: ReportPublisherConfig
  private readonly lastPublished = new Map<string, number>()
  /** One pending publication per peer: a change while one waits is carried by that one. */
  private readonly publishTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private lastSeq = 0
  private republish: ReturnType<typeof setInterval> | undefined
  private running = false
  private readonly recent = new RecentPublications()
  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => { this.recent.disconnected(evt.detail.toString()) }
  private readonly onSubscriptionChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    if (!evt.detail.subscriptions.some(s => s.topic === TRUST_TOPIC && s.subscribe)) return
    void this.resendMissed(evt.detail.peerId.toString())
  }

  constructor (components: ReportPublisherComponents, config: ReportPublisherConfig) {
    this.c = components
    this.config = config
  }

  start (): void {
    this.c.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    if (this.config.gossip) {
      this.c.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
      this.republish = setInterval(() => { void this.republishAll() }, this.config.republishIntervalMs)
      this.republish.unref?.()
    }
    this.running = true
  }

  stop (): void {
    this.running = false
    clearInterval(this.republish)
    for (const t of this.publishTimers.values()) clearTimeout(t)
    this.publishTimers.clear()
    this.c.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    this.c.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    this.recent.clear()
  }

  /** Our evidence about `peer` changed: publish it as soon as its per-peer interval allows. */
  schedule (peer: string): void {
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
    const d = reportableEvidence(this.c.model.directRaw(peer), now, this.config.reportTtlMs, this.c.model.params)
    const previous = this.c.store.get(this.c.self, peer)
    // seq is a timestamp, so it stays increasing across a restart; +1 when two fall in one ms.
    const seq = this.lastSeq = Math.max(this.lastSeq + 1, now)
    const report = await signReport(this.c.privateKey, {
      issuer: this.c.self,
      subject: peer,
      positive: d.positive,
      negative: d.negative,
      vouch: vouch ?? previous?.vouch ?? 0,
      seq,
      issuedAt: d.at,
      expiresAt: now + this.config.reportTtlMs
    })
    this.c.store.put(report)
    this.lastPublished.set(peer, now)
    const data = encodeReport(report)
    const sent = await this.c.pubsub.publish(TRUST_TOPIC, data)
    this.recent.published(peer, data, sent.recipients.map(p => p.toString()), now)
    this.c.emit({ type: 'published', at: now, report: strip(report) })
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
        const sent = await this.c.pubsub.publish(TRUST_TOPIC, data)
        this.recent.resent(subject, data, sent.recipients.map(p => p.toString()))
      } catch (err) { this.c.log.debug({ err, peer, subject }, 'could not publish a trust report again') }
    }
  }

  private async republishAll (): Promise<void> {
    let n = 0
    for (const peer of [...this.c.model.directSubjects()]) {
      if (++n > MAX_REPUBLISH_PER_TICK || !this.running) break
      await this.publish(peer).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not republish trust report') })
    }
  }
}

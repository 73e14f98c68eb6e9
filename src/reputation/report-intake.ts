// Our side of the trust topic as a listener: we subscribe (and keep announcing it, resubscribe.ts),
// and GossipSub asks us about every report it hands us. ReportValidator (validator.ts) decides what
// a report is worth; here its verdict becomes GossipSub's accept, ignore or reject, abuse is counted
// against whoever is to blame (it lowers their GossipSub score), and an accepted report has its
// subject judged again at once, so a quarantine follows the report that called for it.
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import type { ReportValidator, Verdict } from './validator.ts'
import { strip, type ReputationEvent } from './event-feed.ts'
import { resubscribeEvery } from './resubscribe.ts'
import { RESUBSCRIBE_INTERVAL_MS, TRUST_TOPIC } from './constants.ts'

/** Half-life of a peer's gossip-abuse count (rejected or flooded reports), in ms. */
const ABUSE_HALF_LIFE_MS = 10 * 60 * 1000
/** Abuse added for a report GossipSub must reject, and for one ignored as part of a flood. */
const ABUSE_REJECT = 1
const ABUSE_FLOOD = 0.25
/** Most peers with an abuse count kept; the first recorded is forgotten past this. */
const MAX_ABUSERS = 10_000

export interface ReportIntakeComponents {
  pubsub: AgentLibp2p['services']['pubsub']
  self: string
  validator: Pick<ReportValidator, 'check'>
  log: Logger
  emit: (e: ReputationEvent) => void
  /** Judge the subject of an accepted report again (it may now call for quarantine). */
  judge: (subject: string, now: number) => Promise<void>
}

export class ReportIntake {
  private readonly c: ReportIntakeComponents
  private readonly abuseBy = new Map<string, { value: number, at: number }>()
  private stopResubscribe: () => void = () => {}

  constructor (components: ReportIntakeComponents) {
    this.c = components
  }

  /** Subscribe to the trust topic with our validator in front of it. */
  start (): void {
    const pubsub = this.c.pubsub
    pubsub.topicValidators.set(TRUST_TOPIC, async (from, msg) => await this.validate(from.toString(), msg))
    pubsub.subscribe(TRUST_TOPIC)
    this.stopResubscribe = resubscribeEvery(pubsub, TRUST_TOPIC, RESUBSCRIBE_INTERVAL_MS, this.c.log)
  }

  stop (): void {
    this.stopResubscribe()
    this.stopResubscribe = () => {}
    try { this.c.pubsub.unsubscribe(TRUST_TOPIC) } catch (err) { this.c.log.debug({ err }, 'could not unsubscribe from the trust topic') }
    this.c.pubsub.topicValidators.delete(TRUST_TOPIC)
  }

  /** The topic validator: `from` is the peer that forwarded the message to us. */
  async validate (from: string, msg: { type: string, data: Uint8Array }): Promise<TopicValidatorResult> {
    const now = Date.now()
    if (msg.type !== 'signed') {
      this.addAbuse(from, ABUSE_REJECT, now)
      this.c.emit({ type: 'rejected', at: now, from, code: 'UNSIGNED', reason: 'unsigned gossip message' })
      return TopicValidatorResult.Reject
    }
    let verdict: Verdict
    try {
      verdict = await this.c.validator.check(msg.data, now, from)
    } catch (err) {
      this.c.log.debug({ err }, 'report validation failed')
      return TopicValidatorResult.Ignore
    }
    if (verdict.action === 'reject') {
      this.addAbuse(from, ABUSE_REJECT, now)
      this.c.emit({ type: 'rejected', at: now, from, code: verdict.code, reason: verdict.reason })
      return TopicValidatorResult.Reject
    }
    if (verdict.action === 'ignore') {
      // An issuer over its rate is abusing the topic. A forwarder over its budget, or passing on a
      // report we already hold (replayed by someone, or one it never saw or evicted), may be an honest
      // relay: not held against it, or its score falls below GossipSub's thresholds (the flood test
      // saw an honest hub graylisted this way) and honest reports through it are cut off.
      if (verdict.code !== 'FORWARDER_FLOOD' && verdict.code !== 'STALE_SEQ') this.addAbuse(verdict.blame, ABUSE_FLOOD, now)
      this.c.emit({ type: 'ignored', at: now, from, issuer: verdict.issuer, code: verdict.code })
      return TopicValidatorResult.Ignore
    }
    this.c.emit({ type: 'report', at: now, from, report: strip(verdict.report) })
    if (verdict.report.subject !== this.c.self) await this.c.judge(verdict.report.subject, now)
    return TopicValidatorResult.Accept
  }

  /** Rejected or flooded reports from this peer, decayed. */
  abuse (peer: string, now = Date.now()): number {
    const a = this.abuseBy.get(peer)
    return a == null ? 0 : a.value * Math.pow(0.5, (now - a.at) / ABUSE_HALF_LIFE_MS)
  }

  private addAbuse (peer: string, amount: number, now: number): void {
    this.abuseBy.set(peer, { value: this.abuse(peer, now) + amount, at: now })
    if (this.abuseBy.size > MAX_ABUSERS) {
      const oldest = this.abuseBy.keys().next()
      if (oldest.done !== true) this.abuseBy.delete(oldest.value)
    }
  }
}

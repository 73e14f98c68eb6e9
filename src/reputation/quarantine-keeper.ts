// Quarantine as the node enforces it. The model decides when a peer enters (model.ts, verdict.ts)
// and the book keeps the records (quarantine.ts); here entering means hanging up on the peer,
// refusing its reconnections while the quarantine lasts, auditing the decision and persisting the
// record, so a restart does not let a quarantined peer back in early.
import type { PeerId } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import type { ReputationModel } from './model.ts'
import type { QuarantineBook, QuarantineRecord } from './quarantine.ts'
import type { ReputationEvent } from './event-feed.ts'
import { QUARANTINE_PREFIX } from './constants.ts'

export interface QuarantineKeeperComponents {
  libp2p: Pick<AgentLibp2p, 'hangUp' | 'addEventListener' | 'removeEventListener'>
  datastore: Datastore
  audit?: { append: (event: string, fields?: Record<string, unknown>) => Promise<unknown> }
  log: Logger
  model: Pick<ReputationModel, 'judge'>
  book: QuarantineBook
  emit: (e: ReputationEvent) => void
}

export class QuarantineKeeper {
  private readonly c: QuarantineKeeperComponents
  private readonly tickMs: number
  private tick: ReturnType<typeof setInterval> | undefined
  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    if (this.c.book.isActive(peer, Date.now())) void this.c.libp2p.hangUp(evt.detail).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not hang up on a quarantined peer') })
  }

  /** `tickMs`: how often quarantines are checked for expiry. */
  constructor (components: QuarantineKeeperComponents, tickMs: number) {
    this.c = components
    this.tickMs = tickMs
  }

  start (): void {
    this.c.libp2p.addEventListener('peer:connect', this.onConnect)
    this.tick = setInterval(() => { this.expire() }, this.tickMs)
    this.tick.unref?.()
  }

  stop (): void {
    clearInterval(this.tick)
    this.c.libp2p.removeEventListener('peer:connect', this.onConnect)
  }

  /** Judge a peer on the evidence now; if that puts it in quarantine, enforce it. */
  async judge (peer: string, now: number): Promise<void> {
    const j = this.c.model.judge(peer, now)
    if (j.entered == null) return
    const r = j.entered
    this.c.log.info({ peer, level: r.level, until: new Date(r.until).toISOString(), reason: r.reason }, 'peer quarantined')
    this.c.emit({ type: 'quarantine', at: now, peerId: peer, level: r.level, until: r.until, durationMs: r.durationMs, reason: r.reason })
    await this.persist(r)
    await this.c.audit?.append('reputation.quarantine', { peer, level: r.level, until: new Date(r.until).toISOString(), reason: r.reason })
    try { await this.c.libp2p.hangUp(peerIdFromString(peer)) } catch (err) { this.c.log.debug({ err, peer }, 'could not hang up on a newly quarantined peer') }
  }

  /** Store a record as it is now (entered, released or lifted): the level must survive a restart, so a repeat doubles. */
  async persist (r: QuarantineRecord): Promise<void> {
    await this.c.datastore.put(new Key(QUARANTINE_PREFIX + r.peerId), fromString(JSON.stringify(r)))
  }

  /** Put the stored records back in the book (at start). */
  async restore (): Promise<void> {
    for await (const { value } of this.c.datastore.query({ prefix: QUARANTINE_PREFIX })) {
      try { this.c.book.restore(JSON.parse(toString(value)) as QuarantineRecord) } catch (err) { this.c.log.warn({ err }, 'skipped an unreadable stored quarantine') }
    }
  }

  private expire (): void {
    const now = Date.now()
    for (const r of this.c.book.expire(now)) {
      this.c.emit({ type: 'release', at: now, peerId: r.peerId, by: 'expiry' })
      void this.persist(r).catch((err: unknown) => { this.c.log.warn({ err, peer: r.peerId }, 'could not persist a quarantine release') })
      void this.c.audit?.append('reputation.release', { peer: r.peerId, level: r.level })?.catch((err: unknown) => { this.c.log.warn({ err, peer: r.peerId }, 'could not audit a quarantine release') })
    }
  }
}

// The trust handshake and the operator's decisions. A request carries the requester's own approval;
// the receiver's operator approves or rejects; both sides approved = mutual. Every message is
// signed and checked for sender, receiver, clock window and replay; every decision is audited
// before it is acknowledged, and persisted by PeerId. What a stranger can make us keep is bounded:
// waiting requests expire and are capped per address, answers are taken only for requests we sent
// (or from a peer that approved us), and refusals are audited summarised.
// The wire is handshake-endpoint.ts; answers waiting for an offline peer, answer-outbox.ts.
import type { Connection, PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import { AgentwireError } from '../errors.ts'
import { NonceGuard } from '../guard/nonce-guard.ts'
import { PeerGuard, type PeerGuardInit } from '../guard/peer-guard.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { parseTarget } from '../node/targets.ts'
import type { HandshakeBody } from './messages.ts'
import { TrustStore, stateOf, type OutboxItem, type TrustRecord, type TrustState } from './trust-store.ts'
import { RefusalLog } from './refusal-log.ts'
import { AuditWitness } from './audit-witness.ts'
import { HandshakeEndpoint, type HandshakeAccepted } from './handshake-endpoint.ts'
import { AnswerOutbox, UNSOLICITED_ANSWER } from './answer-outbox.ts'
import { randomBytes } from 'node:crypto'
import { Gate } from './gate.ts'
import { HandshakeRefusedError, UnknownPeerError } from './errors.ts'
import {
  CLOCK_WINDOW_MS, HANDSHAKE_TIMEOUT_MS, MAX_PENDING, MAX_PENDING_PER_ADDRESS, MAX_REASON_CHARS, NONCE_PREFIX,
  PENDING_SWEEP_MS, PENDING_TTL_MS, REFUSAL_SUMMARY_MS
} from './constants.ts'

/** How long a revoke notice may take before we hang up anyway, in ms. */
const REVOKE_NOTICE_TIMEOUT_MS = 2_000

export interface TrustComponents {
  libp2p: AgentLibp2p
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  audit: AuditLog
  log: Logger
  /** Turn a target (PeerId, name, multiaddr) into a PeerId. */
  resolvePeer: (target: string, signal?: AbortSignal) => Promise<PeerId>
  /** Connect to a peer, looking it up in the DHT if needed. */
  dial: (peerId: PeerId, signal?: AbortSignal) => Promise<Connection>
  /** A known name for a PeerId, for `trust list`. */
  nameOf?: (peerId: string) => string | undefined
}

export interface TrustInit {
  policy: 'mutual' | 'reputation' | 'open'
  autoApprove: string[]
  /** For policy `reputation`: whether the reputation layer admits this peer. */
  reputationAdmits?: (peerId: string) => boolean
  /** Per-peer limits and penalties for inbound streams (handshake and every gated protocol). */
  guard?: PeerGuardInit
  /** How far a handshake message's timestamp may be from our clock, in ms. @default 300000 */
  clockWindowMs?: number
  /** How long a request waits for the operator before it is dropped, in ms. @default 604800000 (7 days) */
  pendingTtlMs?: number
  /** Most requests waiting from one address (an IP, or a relay for relayed peers). @default 5 */
  maxPendingPerAddress?: number
  /** Refusals are audited as one line per peer per this interval, with a count, in ms. @default 60000 */
  refusalSummaryMs?: number
  /** How often our signed audit head is sent to connected trusted peers (witnesses), in ms; 0: never. @default 300000 */
  witnessIntervalMs?: number
}

export interface TrustEntry {
  peerId: string
  name: string | null
  state: TrustState
  mutual: boolean
  since: string
  reason?: string
}

export class TrustService {
  readonly gate: Gate
  /** Admission, strikes and disconnection for every inbound stream this node serves. */
  readonly guard: PeerGuard
  /** Trusted peers keep checkpoints of our audit head; we keep theirs. */
  readonly witness: AuditWitness
  private readonly c: TrustComponents
  private readonly init: TrustInit
  private readonly store: TrustStore
  private readonly nonces: NonceGuard
  private readonly autoApprove: Set<string>
  private readonly refusals: RefusalLog
  private readonly pendingTtlMs: number
  private readonly maxPendingPerAddress: number
  private readonly endpoint: HandshakeEndpoint
  private readonly outbox: AnswerOutbox
  private sweepTimer: ReturnType<typeof setInterval> | undefined
  private expiring: Promise<number> | undefined
  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    // A peer disconnected by the guard is hung up on again until its ban runs out.
    if (this.guard.isBanned(peer)) {
      void this.c.libp2p.hangUp(evt.detail).catch((err: unknown) => { this.c.log.debug({ err, peer }, 'could not hang up on a banned peer') })
      return
    }
    void this.outbox.deliver(peer)
  }

  constructor (components: TrustComponents, init: TrustInit) {
    this.c = components
    this.init = init
    this.store = new TrustStore(components.datastore)
    this.nonces = new NonceGuard(components.datastore, { prefix: NONCE_PREFIX, clockWindowMs: init.clockWindowMs ?? CLOCK_WINDOW_MS, log: components.log })
    this.autoApprove = new Set(init.autoApprove)
    this.pendingTtlMs = init.pendingTtlMs ?? PENDING_TTL_MS
    this.maxPendingPerAddress = init.maxPendingPerAddress ?? MAX_PENDING_PER_ADDRESS
    this.refusals = new RefusalLog(components.audit, { intervalMs: init.refusalSummaryMs ?? REFUSAL_SUMMARY_MS, log: components.log })
    this.guard = new PeerGuard({
      hangUp: async peer => { await components.libp2p.hangUp(peerIdFromString(peer)) },
      report: async (event, fields) => await components.audit.append(event, fields),
      log: components.log
    }, init.guard ?? {})
    this.gate = new Gate({ libp2p: components.libp2p, audit: components.audit, guard: this.guard, refusals: this.refusals, isAllowed: peer => this.isAllowed(peer) })
    this.witness = new AuditWitness({ libp2p: components.libp2p, datastore: components.datastore, audit: components.audit, gate: this.gate, log: components.log, isWitness: peer => this.isMutual(peer) },
      { ...(init.witnessIntervalMs != null ? { intervalMs: init.witnessIntervalMs } : {}) })
    this.endpoint = new HandshakeEndpoint({
      libp2p: components.libp2p,
      peerId: components.peerId,
      privateKey: components.privateKey,
      log: components.log,
      nonces: this.nonces,
      guard: this.guard,
      refusals: this.refusals,
      dial: components.dial,
      apply: async (body, from) => await this.apply(body, from)
    })
    this.outbox = new AnswerOutbox({ libp2p: components.libp2p, store: this.store, audit: components.audit, log: components.log, endpoint: this.endpoint, resolvePeer: components.resolvePeer })
  }

  async start (): Promise<void> {
    await this.store.load()
    await this.nonces.load()
    await this.expirePending()
    await this.endpoint.start()
    this.c.libp2p.addEventListener('peer:connect', this.onConnect)
    this.outbox.start()
    this.sweepTimer = setInterval(() => { void this.expirePending().catch((err: unknown) => { this.c.log.warn({ err }, 'could not expire waiting trust requests') }) }, Math.min(PENDING_SWEEP_MS, Math.max(1000, Math.floor(this.pendingTtlMs / 2))))
    this.sweepTimer.unref?.()
    this.refusals.start()
    await this.witness.start()
  }

  async stop (): Promise<void> {
    this.outbox.stop()
    clearInterval(this.sweepTimer)
    await this.witness.stop()
    await this.refusals.stop()
    this.c.libp2p.removeEventListener('peer:connect', this.onConnect)
    await this.endpoint.stop()
  }

  /** The policy's verdict: may this peer use application protocols? */
  isAllowed (peerId: string): boolean {
    if (this.init.policy === 'open') return true
    if (this.autoApprove.has(peerId)) return true
    const record = this.store.get(peerId)
    if (record != null && stateOf(record) === 'mutual') return true
    if (this.init.policy === 'reputation' && record?.ours !== 'revoked' && record?.ours !== 'rejected') return this.init.reputationAdmits?.(peerId) ?? false
    return false
  }

  /** Mutually approved (or a fleet node from autoApprove): whom we trust with our audit checkpoints. */
  isMutual (peerId: string): boolean {
    if (this.autoApprove.has(peerId)) return true
    const record = this.store.get(peerId)
    return record != null && stateOf(record) === 'mutual'
  }

  /** Whether we have approved this peer ourselves (used to prefer trusted name claimants). */
  isTrusted (peerId: string): boolean {
    return this.autoApprove.has(peerId) || this.store.get(peerId)?.ours === 'approved'
  }

  // ---- operator actions -------------------------------------------------------------------

  async request (target: string, reason: string | undefined, signal?: AbortSignal): Promise<TrustEntry> {
    if (reason != null && reason.length > MAX_REASON_CHARS) throw new AgentwireError('REASON_TOO_LONG', `reason is ${reason.length} characters; at most ${MAX_REASON_CHARS}`, 'shorten --reason')
    const peerId = await this.c.resolvePeer(target, signal)
    const peer = peerId.toString()
    if (peer === this.c.peerId.toString()) throw new AgentwireError('SELF_TRUST', 'a node cannot ask itself for trust', 'give the PeerId or name of another node')
    await this.rememberAddress(target, peerId)
    const message = await this.endpoint.sign('request', peer, reason)
    await this.c.audit.append('handshake.request.sent', { peer, reason: reason ?? null, nonce: message.body.nonce })
    const record = this.store.getOrNew(peer)
    await this.store.put({ ...record, ours: 'approved', requestedByUs: { ...(reason != null ? { reason } : {}), at: Date.now() }, since: Date.now() })
    const reply = await this.endpoint.send(peerId, message, signal)
    const after = this.store.getOrNew(peer)
    if (reply.state === 'approved') await this.store.put({ ...after, theirs: 'approved', requestedByUs: undefined, since: Date.now() })
    else if (reply.state === 'rejected') await this.store.put({ ...after, theirs: 'rejected', since: Date.now() })
    await this.c.audit.append('handshake.request.answered', { peer, state: reply.state })
    return this.entry(this.store.getOrNew(peer))
  }

  async approve (target: string, signal?: AbortSignal): Promise<TrustEntry> {
    return await this.decide(target, 'approve', signal)
  }

  async reject (target: string, signal?: AbortSignal): Promise<TrustEntry> {
    return await this.decide(target, 'reject', signal)
  }

  async revoke (target: string, signal?: AbortSignal): Promise<TrustEntry & { connectionsClosed: number }> {
    const entry = await this.decide(target, 'revoke', signal)
    const peerId = await this.c.resolvePeer(target, signal)
    const connections = this.c.libp2p.getConnections(peerId).length
    await this.c.libp2p.hangUp(peerId).catch((err: unknown) => { this.c.log.debug({ err, peer: peerId.toString() }, 'could not hang up on a revoked peer') })
    return { ...entry, connectionsClosed: connections }
  }

  list (): TrustEntry[] {
    return this.store.all().map(r => this.entry(r)).filter(e => e.state !== 'none')
  }

  pending (): TrustEntry[] {
    return this.list().filter(e => e.state === 'pending')
  }

  /** Write the refusal summaries of the current interval now (tests, and a clean stop). */
  async flushRefusals (): Promise<void> {
    await this.refusals.flush()
  }

  /**
   * Drop requests that waited longer than the TTL; a record that then holds nothing (a stranger
   * who only ever asked) is deleted, so expired requests leave no state behind.
   */
  async expirePending (now = Date.now()): Promise<number> {
    // The sweep timer and an incoming request may both ask at once: one pass at a time, or an
    // expiry would be audited twice.
    if (this.expiring == null) this.expiring = this.expireNow(now).finally(() => { this.expiring = undefined })
    return await this.expiring
  }

  private async expireNow (now: number): Promise<number> {
    let expired = 0
    for (const r of this.store.all()) {
      if (r.requestedByThem == null || now - r.requestedByThem.at < this.pendingTtlMs) continue
      if (stateOf(r) !== 'pending') continue
      expired++
      await this.c.audit.append('handshake.request.expired', { peer: r.peerId, requestedAt: new Date(r.requestedByThem.at).toISOString() })
      if (r.ours === 'none' && r.requestedByUs == null && (r.outbox?.length ?? 0) === 0 && r.name == null) await this.store.delete(r.peerId)
      else await this.store.put({ ...r, requestedByThem: undefined, theirs: r.ours === 'none' ? 'none' : r.theirs })
    }
    return expired
  }

  private async decide (target: string, kind: 'approve' | 'reject' | 'revoke', signal?: AbortSignal): Promise<TrustEntry> {
    const peerId = await this.c.resolvePeer(target, signal)
    const peer = peerId.toString()
    const record = this.store.get(peer)
    if (kind === 'revoke' && record?.ours !== 'approved' && !this.autoApprove.has(peer)) throw new UnknownPeerError(peer)
    const ours = kind === 'approve' ? 'approved' : kind === 'reject' ? 'rejected' : 'revoked'
    const answer: OutboxItem = { kind, id: randomBytes(8).toString('hex'), at: Date.now() }
    // Audit first: the decision is on disk before anyone, operator or peer, hears of it.
    await this.c.audit.append(`trust.${kind}`, { peer, answer: answer.id })
    const base = record ?? this.store.getOrNew(peer)
    // Only the newest decision is worth delivering: it replaces any older one still queued.
    await this.store.put({ ...base, ours, requestedByThem: undefined, since: Date.now(), outbox: [answer] })
    // Tell the peer now if we can; otherwise the outbox delivers it at the next contact.
    const timeout = kind === 'revoke' ? REVOKE_NOTICE_TIMEOUT_MS : HANDSHAKE_TIMEOUT_MS
    await this.outbox.deliver(peer, true, AbortSignal.timeout(timeout))
    return this.entry(this.store.getOrNew(peer))
  }

  /**
   * A target given as a multiaddr says where the peer is: keep that address in the peer store, so
   * this request, and the answers and retries that follow, can reach a peer that no DHT knows of.
   */
  private async rememberAddress (target: string, peerId: PeerId): Promise<void> {
    let parsed
    // Not parseable: resolvePeer already accepted it (or threw), so there is no address to keep.
    try { parsed = parseTarget(target) } catch { return }
    if (parsed.kind !== 'multiaddr') return
    const where = parsed.addr.getComponents().filter(c => c.name !== 'p2p')
    if (where.length === 0) return
    await this.c.libp2p.peerStore.merge(peerId, { multiaddrs: [multiaddr(parsed.addr.toString().replace(/\/p2p\/[^/]+$/, ''))] })
  }

  // ---- what a verified message from a peer does ------------------------------------------------

  /** Apply a verified message (the endpoint checked signature, sender, recipient, freshness); returns the reply frame. */
  private async apply ({ kind, from: peer, reason, nonce }: HandshakeBody, from: string): Promise<HandshakeAccepted> {
    const known = this.store.get(peer)
    const record = known ?? this.store.getOrNew(peer)
    const now = Date.now()
    if (kind === 'request') {
      // A request carries the requester's own approval of us.
      let next: TrustRecord = { ...record, theirs: 'approved', since: now }
      let state: string
      if (record.ours === 'approved' || this.autoApprove.has(peer)) {
        next = { ...next, ours: 'approved', requestedByThem: undefined }
        state = 'approved'
      } else if (record.ours === 'rejected' || record.ours === 'revoked') {
        // Asking again after a refusal is allowed: it goes back to the operator, who decides anew.
        next = { ...next, requestedByThem: { ...(reason != null ? { reason } : {}), at: now } }
        state = 'pending'
      } else {
        if (record.requestedByThem == null) {
          // Expired requests make room before a new one is counted against the caps.
          await this.expirePending(now)
          if (this.store.pendingCount(from) >= this.maxPendingPerAddress) {
            throw new HandshakeRefusedError('PENDING_FULL', `this node already has ${this.maxPendingPerAddress} requests from your address (${from}) waiting for its operator`, 'try again once its operator has answered them')
          }
          if (this.store.pendingCount() >= MAX_PENDING) {
            throw new HandshakeRefusedError('PENDING_FULL', `this node already has ${MAX_PENDING} requests waiting for its operator`, 'try again later')
          }
        }
        // `at` is kept from the first ask: asking again does not restart the expiry clock.
        next = { ...next, requestedByThem: { ...(reason != null ? { reason } : {}), at: record.requestedByThem?.at ?? now, from } }
        state = 'pending'
      }
      await this.c.audit.append('handshake.request.received', { peer, reason: reason ?? null, nonce, state })
      await this.store.put(next)
      return { ok: true, state }
    }
    // An answer is taken only for a request we sent, or from a peer that had approved us (it may
    // change its mind). Anything else is refused without a record: unsolicited answers from
    // throwaway identities would otherwise each leave a trust record and an audit line behind.
    if (known == null || (known.requestedByUs == null && known.theirs !== 'approved')) {
      throw new HandshakeRefusedError(UNSOLICITED_ANSWER, `this node has no request out to ${peer} and no approval from it to ${kind}`, 'answer only requests you received; to ask for trust, send a request')
    }
    const theirs = kind === 'approve' ? 'approved' : kind === 'reject' ? 'rejected' : 'revoked'
    await this.c.audit.append(`handshake.${kind}.received`, { peer, nonce })
    await this.store.put({ ...record, theirs, ...(theirs === 'approved' ? { requestedByUs: undefined } : {}), since: now })
    if (kind === 'revoke') this.c.log.warn({ peer }, 'peer revoked its trust in this node')
    return { ok: true, state: stateOf(this.store.getOrNew(peer)) }
  }

  private entry (r: TrustRecord): TrustEntry {
    const state = this.autoApprove.has(r.peerId) && r.ours !== 'revoked' && r.ours !== 'rejected' ? 'mutual' : stateOf(r)
    const reason = r.requestedByThem?.reason ?? r.requestedByUs?.reason
    return {
      peerId: r.peerId,
      name: r.name ?? this.c.nameOf?.(r.peerId) ?? null,
      state,
      mutual: state === 'mutual',
      since: new Date(r.since).toISOString(),
      ...(reason != null ? { reason } : {})
    }
  }
}

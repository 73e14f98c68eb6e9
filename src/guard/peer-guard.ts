// The per-peer guard: admission control and penalties for every inbound stream we serve. A stream
// is admitted only while its peer is under its rate and its in-progress cap and the node is under
// its global cap; every refusal and every malformed message is a strike, and a peer past the strike
// threshold is disconnected, audited (`guard.disconnected`) and hung up on again if it comes back
// within the ban period. Refusals are counted by reason for metrics and `status`.
import { isErrorCode } from '../error-codes.ts'
import type { Logger } from '../log/logger.ts'
import { AgentwireError } from '../errors.ts'
import { RateLimiter } from './rate-limiter.ts'
import {
  BAN_MS, HANDSHAKE_BURST, HANDSHAKES_PER_MINUTE, MAX_PENDING_STREAMS, MAX_STREAMS_PER_PEER, MAX_TRACKED_PEERS,
  STREAM_BURST, STREAMS_PER_SECOND, STRIKE_THRESHOLD, STRIKE_WEIGHTS, STRIKES_FORGIVEN_PER_MINUTE
} from './constants.ts'
import { evictOldest } from '../evict-oldest.ts'

export interface PeerGuardInit {
  /** Streams per second one peer may open across guarded protocols. @default 100 (STREAMS_PER_SECOND) */
  streamsPerSecond?: number
  /** Streams one peer may open in a burst. @default 200 (STREAM_BURST) */
  streamBurst?: number
  /** Handshake messages per minute from one peer. @default 5 */
  handshakesPerMinute?: number
  /** Handshake messages in a burst from one peer. @default 5 */
  handshakeBurst?: number
  /** Guarded streams one peer may have in progress. @default 32 */
  maxStreamsPerPeer?: number
  /** Guarded streams in progress for all peers together. @default 512 */
  maxPendingStreams?: number
  /** Strikes before a peer is disconnected. @default 20 */
  strikeThreshold?: number
  /** Strikes forgiven per minute. @default 10 */
  strikesForgivenPerMinute?: number
  /** How long a disconnected peer is refused on reconnect, in ms. @default 600000 */
  banMs?: number
  /** Most peers tracked at once. @default 10000 */
  maxTrackedPeers?: number
}

export interface PeerGuardComponents {
  /** Close every connection to a peer. */
  hangUp: (peerId: string) => Promise<void>
  /** Record the disconnection where the operator will look (the audit log). */
  report: (event: string, fields: Record<string, unknown>) => Promise<unknown>
  log?: Logger
}

/** Which rate a stream is charged against. */
export type StreamClass = 'stream' | 'handshake'

export class GuardRefusedError extends AgentwireError {
  static override name = 'GuardRefusedError'
  constructor (code: 'RATE_LIMITED' | 'TOO_MANY_STREAMS' | 'BUSY' | 'PEER_BANNED', message: string, hint?: string) {
    super(code, message, hint)
    this.name = 'GuardRefusedError'
  }
}

export interface Admission {
  /** Call once the stream is finished (idempotent). */
  release: () => void
}

export interface GuardStats {
  /** Strikes by reason since start. */
  rejections: Record<string, number>
  /** Peers disconnected for passing the threshold, since start. */
  disconnects: number
  /** Guarded streams in progress now. */
  pending: number
  /** Peers currently banned. */
  banned: number
}

interface Strikes { score: number, updated: number }

export class PeerGuard {
  private readonly c: PeerGuardComponents
  private o: Required<PeerGuardInit>
  private rates: Record<StreamClass, RateLimiter>
  private readonly strikes = new Map<string, Strikes>()
  private readonly inProgress = new Map<string, number>()
  private readonly banned = new Map<string, number>()
  private readonly rejections = new Map<string, number>()
  private pending = 0
  private disconnects = 0

  constructor (components: PeerGuardComponents, init: PeerGuardInit = {}) {
    this.c = components
    this.o = {
      streamsPerSecond: init.streamsPerSecond ?? STREAMS_PER_SECOND,
      streamBurst: init.streamBurst ?? STREAM_BURST,
      handshakesPerMinute: init.handshakesPerMinute ?? HANDSHAKES_PER_MINUTE,
      handshakeBurst: init.handshakeBurst ?? HANDSHAKE_BURST,
      maxStreamsPerPeer: init.maxStreamsPerPeer ?? MAX_STREAMS_PER_PEER,
      maxPendingStreams: init.maxPendingStreams ?? MAX_PENDING_STREAMS,
      strikeThreshold: init.strikeThreshold ?? STRIKE_THRESHOLD,
      strikesForgivenPerMinute: init.strikesForgivenPerMinute ?? STRIKES_FORGIVEN_PER_MINUTE,
      banMs: init.banMs ?? BAN_MS,
      maxTrackedPeers: init.maxTrackedPeers ?? MAX_TRACKED_PEERS
    }
    this.rates = this.makeRates()
  }

  /** The limits in force (after defaults). */
  get limits (): Readonly<Required<PeerGuardInit>> { return this.o }

  /** Change limits at runtime (a config reload, a test harness); rate buckets start afresh. */
  configure (init: PeerGuardInit): void {
    this.o = { ...this.o, ...Object.fromEntries(Object.entries(init).filter(([, v]) => v != null)) }
    this.rates = this.makeRates()
  }

  private makeRates (): Record<StreamClass, RateLimiter> {
    return {
      stream: new RateLimiter({ burst: this.o.streamBurst, perMinute: this.o.streamsPerSecond * 60, maxKeys: this.o.maxTrackedPeers }),
      handshake: new RateLimiter({ burst: this.o.handshakeBurst, perMinute: this.o.handshakesPerMinute, maxKeys: this.o.maxTrackedPeers })
    }
  }

  /**
   * Admit one inbound stream from `peer`, or throw GuardRefusedError (already counted as a strike
   * where the peer is at fault). The caller answers the refusal and closes the stream.
   */
  admit (peer: string, kind: StreamClass = 'stream', now = Date.now()): Admission {
    if (this.isBanned(peer, now)) {
      this.count('PEER_BANNED')
      void this.c.hangUp(peer).catch((err: unknown) => { this.c.log?.debug({ err, peer }, 'could not hang up on a banned peer') })
      throw new GuardRefusedError('PEER_BANNED', 'this node disconnected you for repeated bad or excessive requests', 'wait for the ban to end and send less')
    }
    if (this.pending >= this.o.maxPendingStreams) {
      this.count('BUSY')
      throw new GuardRefusedError('BUSY', `this node is serving ${this.pending} requests already`, 'try again shortly')
    }
    const mine = this.inProgress.get(peer) ?? 0
    if (mine >= this.o.maxStreamsPerPeer) {
      this.strike(peer, 'TOO_MANY_STREAMS', now)
      throw new GuardRefusedError('TOO_MANY_STREAMS', `you already have ${mine} requests in progress here`, 'wait for answers before sending more')
    }
    if (!this.rates[kind].take(peer, now)) {
      this.strike(peer, 'RATE_LIMITED', now)
      throw new GuardRefusedError('RATE_LIMITED', kind === 'handshake'
        ? `more than ${this.o.handshakesPerMinute} handshake messages a minute`
        : `more than ${this.o.streamsPerSecond} requests a second`, 'slow down; repeated excess disconnects you')
    }
    // inProgress holds only peers with a stream open, so the global cap bounds it too.
    this.pending++
    this.inProgress.set(peer, mine + 1)
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.pending--
        const left = (this.inProgress.get(peer) ?? 1) - 1
        if (left <= 0) this.inProgress.delete(peer)
        else this.inProgress.set(peer, left)
      }
    }
  }

  /**
   * Count one refusal of `peer` for `reason` (an error code). Past the threshold the peer is
   * disconnected and banned. Returns true when this strike disconnected it.
   */
  strike (peer: string, reason: string, now = Date.now()): boolean {
    this.count(reason)
    const weight = isErrorCode(reason) ? STRIKE_WEIGHTS[reason] ?? 1 : 1
    if (weight === 0 || this.isBanned(peer, now)) return false
    let s = this.strikes.get(peer)
    if (s == null) {
      if (this.strikes.size >= this.o.maxTrackedPeers) evictOldest(this.strikes)
      s = { score: 0, updated: now }
    } else {
      this.strikes.delete(peer) // re-insert: Map order doubles as least-recently-struck order
      s.score = Math.max(0, s.score - ((now - s.updated) / 60_000) * this.o.strikesForgivenPerMinute)
      s.updated = now
    }
    s.score += weight
    this.strikes.set(peer, s)
    if (s.score < this.o.strikeThreshold) return false
    this.strikes.delete(peer)
    this.ban(peer, reason, now)
    return true
  }

  /** Whether `peer` was disconnected and its ban has not run out. */
  isBanned (peer: string, now = Date.now()): boolean {
    const until = this.banned.get(peer)
    if (until == null) return false
    if (until > now) return true
    this.banned.delete(peer)
    return false
  }

  /** Forget a peer's strikes, rates and ban (an operator's pardon, or a test moving on). */
  pardon (peer: string): void {
    this.banned.delete(peer)
    this.strikes.delete(peer)
    this.rates.stream.forget(peer)
    this.rates.handshake.forget(peer)
  }

  stats (): GuardStats {
    return { rejections: Object.fromEntries(this.rejections), disconnects: this.disconnects, pending: this.pending, banned: this.banned.size }
  }

  private count (reason: string): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1)
  }

  private ban (peer: string, reason: string, now: number): void {
    if (this.banned.size >= this.o.maxTrackedPeers) evictOldest(this.banned)
    this.banned.set(peer, now + this.o.banMs)
    this.disconnects++
    this.c.log?.warn({ peer, reason, banMs: this.o.banMs }, 'peer disconnected: too many bad or excessive requests')
    // Reported before the hang-up completes; neither may throw into the stream handler that struck.
    void this.c.report('guard.disconnected', { peer, reason, threshold: this.o.strikeThreshold, banMs: this.o.banMs }).catch((err: unknown) => { this.c.log?.warn({ err, peer }, 'could not audit a guard disconnect') })
    void this.c.hangUp(peer).catch((err: unknown) => { this.c.log?.debug({ err, peer }, 'could not hang up on a struck-out peer') })
  }
}

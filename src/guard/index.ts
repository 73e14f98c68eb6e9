/**
 * Guards against hostile peers: replay protection (`NonceGuard`), token buckets (`RateLimiter`),
 * per-peer admission with strikes and disconnection (`PeerGuard`), and per-address caps on
 * connections still upgrading (`InboundSlots`).
 *
 * @example
 * ```ts
 * const guard = new PeerGuard({ hangUp: p => libp2p.hangUp(peerIdFromString(p)), report: (e, f) => audit.append(e, f) })
 * const admission = guard.admit(peer)          // throws GuardRefusedError when over a limit
 * try { await serve(stream) } catch (err) { guard.strike(peer, err.code) } finally { admission.release() }
 * ```
 */
export { PeerGuard, GuardRefusedError, type PeerGuardInit, type PeerGuardComponents, type Admission, type GuardStats, type StreamClass } from './peer-guard.ts'
export { RateLimiter, type RateLimiterInit } from './rate-limiter.ts'
export { NonceGuard, ReplayError, type NonceGuardInit } from './nonce-guard.ts'
export { InboundSlots, type InboundSlotsInit } from './inbound-slots.ts'
export { InboundRate, inboundRateKey, type InboundRateInit } from './inbound-rate.ts'
export { addressKey } from './address-key.ts'

// Limits that keep one hostile (possibly authenticated) peer from starving everyone else. Each is a
// default for `PeerGuardInit`; a node may override them. The config schema (limits.*) takes its
// defaults from here, so each is written once.
import type { ErrorCode } from '../error-codes.ts'

/** Streams one peer may open per second, across every guarded protocol, once its burst is spent. */
export const STREAMS_PER_SECOND = 100
/** Streams one peer may open at once before the per-second rate applies. */
export const STREAM_BURST = 200

/** Handshake messages one peer may send per minute (an operator answers these by hand). */
export const HANDSHAKES_PER_MINUTE = 5
/** Handshake messages one peer may send in a burst. */
export const HANDSHAKE_BURST = 5

/** Guarded streams one peer may have in progress at once, across protocols. */
export const MAX_STREAMS_PER_PEER = 32
/** Guarded streams in progress for all peers together: the global cap on pending work. */
export const MAX_PENDING_STREAMS = 512

/** Strikes (refused or malformed input) before a peer is disconnected. */
export const STRIKE_THRESHOLD = 20
/** Strikes forgiven per minute, so an honest peer's occasional bad message never adds up. */
export const STRIKES_FORGIVEN_PER_MINUTE = 10
/** How long a disconnected peer is hung up on again if it reconnects, in ms. */
export const BAN_MS = 10 * 60 * 1000

/** Most peers tracked at once (oldest forgotten first), so a flood of identities cannot grow memory. */
export const MAX_TRACKED_PEERS = 10_000

/**
 * How many strikes each refusal reason costs. A reason not listed costs one. Zero: not the peer's
 * fault (the node is busy, or its operator has not decided yet).
 */
export const STRIKE_WEIGHTS: Readonly<Partial<Record<ErrorCode, number>>> = {
  BUSY: 0,
  PENDING_FULL: 0,
  // Honest peers call before they are approved; a second strike per refusal would be harsh, none lets
  // an untrusted peer hammer the audit log.
  NOT_TRUSTED: 1,
  // Forged or mis-addressed input cannot come from an honest agentwire node.
  BAD_SIGNATURE: 5,
  WRONG_SENDER: 5,
  BODY_MISMATCH: 5,
  REPLAYED_MESSAGE: 5
}

// The handshake protocol and the limits that keep it cheap to run under attack.

export const HANDSHAKE_PROTOCOL = '/agentwire/handshake/1.0.0'

/** Domain separation for handshake signatures. */
export const HANDSHAKE_SIGNING_CONTEXT = 'agentwire-handshake:v1\n'

/** Largest handshake frame, in bytes (a request with a full reason is under 1 KiB). */
export const MAX_HANDSHAKE_BYTES = 4096

/** Longest reason text kept, in characters; longer requests are refused, not truncated. */
export const MAX_REASON_CHARS = 280

/** How far a message's timestamp may be from our clock, in ms. */
export const CLOCK_WINDOW_MS = 5 * 60 * 1000

/** Most inbound requests waiting for the operator; more are refused until some are answered or expire. */
export const MAX_PENDING = 100

/** Most requests waiting from one address (IP, or relay for relayed peers), so one host cannot fill the queue. */
export const MAX_PENDING_PER_ADDRESS = 5

/** How long an unanswered request waits for the operator before it is dropped, in ms (7 days). */
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** How often expired requests are swept, in ms (at most; shorter when the TTL is short). */
export const PENDING_SWEEP_MS = 60_000

/** One audit line per refusing peer per this interval, with a count, in ms. */
export const REFUSAL_SUMMARY_MS = 60_000

// Handshake rates per peer (a burst, then a few a minute) are the peer guard's: src/guard/constants.ts.

/** Handshake streams a peer may hold open at once. */
export const MAX_HANDSHAKE_STREAMS = 2

/** Longest we wait for a handshake frame, in ms. */
export const HANDSHAKE_TIMEOUT_MS = 10_000

/** Datastore prefixes. */
export const TRUST_PREFIX = '/agentwire/trust/'
export const NONCE_PREFIX = '/agentwire/nonces/'

/** Trusted peers keep checkpoints of our signed audit head over this protocol. */
export const AUDIT_WITNESS_PROTOCOL = '/agentwire/audit-witness/1.0.0'
/** How often our audit head is sent to connected trusted peers, in ms. */
export const WITNESS_INTERVAL_MS = 5 * 60 * 1000
/** Checkpoints a witness keeps of one peer, spread over its history. */
export const MAX_CHECKPOINTS_PER_PEER = 16
/** Largest witness frame, in bytes (16 heads of ~300 bytes, with room). */
export const MAX_WITNESS_BYTES = 16 * 1024
/** Witness streams one peer may hold open at once. */
export const MAX_WITNESS_STREAMS = 2
/** Longest one witness exchange may take, in ms. */
export const WITNESS_TIMEOUT_MS = 10_000
/** Datastore prefix of the checkpoints we keep for others. */
export const WITNESS_PREFIX = '/agentwire/witness/'

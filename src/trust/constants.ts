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

/** Most inbound requests waiting for the operator; more are refused until some are answered. */
export const MAX_PENDING = 100

// Handshake rates per peer (a burst, then a few a minute) are the peer guard's: src/guard/constants.ts.

/** Handshake streams a peer may hold open at once. */
export const MAX_HANDSHAKE_STREAMS = 2

/** Longest we wait for a handshake frame, in ms. */
export const HANDSHAKE_TIMEOUT_MS = 10_000

/** Datastore prefixes. */
export const TRUST_PREFIX = '/agentwire/trust/'
export const NONCE_PREFIX = '/agentwire/nonces/'

// The A2A session: one long-lived stream per connection that carries many calls.

/** Many calls on one stream, request ids, per-call credit (docs/a2a-libp2p-binding.md, "Sessions"). */
export const A2A_SESSION_PROTOCOL = '/agentwire/a2a-session/1.0.0'

/** Answer frames a caller lets one call have in flight before it grants more (its buffer per call), in frames. */
export const SESSION_CREDIT = 16

/** Most credit one call may hold at once, in frames: bounds what a callee must track and a caller may buffer. */
export const SESSION_MAX_CREDIT = 256

/** Calls one caller keeps in flight on one session; more wait for a free slot, in calls. */
export const SESSION_MAX_IN_FLIGHT = 64

/** Calls one session may have open at the callee (a memory bound; `a2a.maxCallsPerPeer` still caps running calls), in calls. */
export const SESSION_MAX_OPEN_CALLS = 256

/** Sessions one connection may hold at the callee; one is all an agentwire caller opens. */
export const SESSION_MAX_PER_CONNECTION = 4

/** A caller closes a session that carried no call for this long, in ms. */
export const SESSION_IDLE_CLOSE_MS = 30_000

/** A callee aborts a session that carried no frame and has no call open for this long, in ms (a caller closes first). */
export const SESSION_IDLE_ABORT_MS = 10 * 60_000

/** Longest the protocol selection for a new session may take, in ms. */
export const SESSION_OPEN_TIMEOUT_MS = 10_000

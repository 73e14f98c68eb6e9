// The trust-report topic, its wire limits, and the defaults the reputation layer resolves once.
// Config (src/config/reputation-schema.ts) documents the operator-facing ones; these are the floor.

/** GossipSub topic that carries signed trust reports. */
export const TRUST_TOPIC = 'agentwire/trust/1'

/** Domain separation for report signatures, so a report signature is never valid as anything else. */
export const REPORT_SIGNING_CONTEXT = 'agentwire-trust-report:v1\n'

/** Largest report on the wire, in bytes (a full report is about 330 bytes). */
export const MAX_REPORT_BYTES = 1024

/** Largest count a report may carry; cumulative decayed counts never come near it honestly. */
export const MAX_REPORT_COUNT = 1_000_000

/** Longest a report may claim to stay valid, in ms (a longer `expiresAt` is refused, not clipped). */
export const MAX_REPORT_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** How far in the future a report's `issuedAt` may be from our clock, in ms. */
export const REPORT_CLOCK_SKEW_MS = 5 * 60 * 1000

/** Most reports kept from all issuers together; the oldest expiring are dropped first past this. */
export const MAX_STORED_REPORTS = 200_000

/** Most subjects with direct evidence kept; the least recently updated are forgotten past this. */
export const MAX_DIRECT_SUBJECTS = 50_000

/**
 * Most reporters kept about one subject (the most credible, then the newest), so one view, and so the
 * work done per arriving report, stays bounded however many identities report on a subject.
 */
export const MAX_REPORTERS_PER_SUBJECT = 256

/** Events buffered per `watch()` subscriber before the oldest are dropped. */
export const WATCH_BUFFER = 1000

/** How often quarantines are checked for expiry, in ms. */
export const QUARANTINE_TICK_MS = 1000

/** Datastore prefixes. */
export const DIRECT_PREFIX = '/agentwire/reputation/direct/'
export const QUARANTINE_PREFIX = '/agentwire/reputation/quarantine/'
export const REPORT_PREFIX = '/agentwire/reputation/reports/'

/**
 * How often the trust-topic subscription is announced again to every gossip peer, in ms. GossipSub
 * announces it once per new stream; a peer that drops that one RPC never learns we listen.
 */
export const RESUBSCRIBE_INTERVAL_MS = 10_000

/** How long after a report reached no peer on the topic it is published again, in ms, and how many times. */
export const UNHEARD_RETRY_MS = 5_000
export const UNHEARD_RETRIES = 6

/**
 * Our recent reports kept to send again to a peer that joins the topic without having been handed
 * them (see resend.ts): how long after publication, in ms, how many reports at most, and how many
 * re-publications each.
 */
export const RESEND_WINDOW_MS = 2 * 60 * 1000
export const RESEND_KEEP = 64
export const RESEND_ATTEMPTS = 3

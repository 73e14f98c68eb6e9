// Name records in the DHT: where they live, how big they may be, how long they last, and how much
// of a DHT server's memory and disk a flood of claims may take.

/** DHT key namespace; kad-dht picks the validator by this first path segment. */
export const NAME_NAMESPACE = 'agentwire-name'
export const NAME_KEY_PREFIX = `/${NAME_NAMESPACE}/`

/** kad-dht's datastore prefix for records (src/node/libp2p.ts sets `/agentwire-dht`, kad-dht adds `/record`). */
export const DHT_RECORD_PREFIX = '/agentwire-dht/record/'

/** Domain separation for the signature, so a name-record signature can never be replayed as anything else. */
export const NAME_SIGNING_CONTEXT = 'agentwire-name-record:v1\n'

/** Largest encoded single claim, in bytes. A real claim with a 63-character name is about 300 bytes. */
export const MAX_NAME_RECORD_BYTES = 1024

/**
 * Most claimants a DHT server keeps for one name. An incumbent is never evicted by a newcomer (only
 * by its own expiry), so a full set refuses new claimants: a Sybil flood can deny a name nobody
 * holds yet on that server, but can never take or hide a name somebody already holds.
 */
export const MAX_CLAIMANTS_PER_NAME = 16

/** Largest claim set (the DHT value for a name), in bytes: every claimant at the single-claim size plus framing. */
export const MAX_CLAIM_SET_BYTES = MAX_CLAIMANTS_PER_NAME * 400 + 64

/** Names one PeerId may hold on one DHT server: a node has one name; this leaves room for a few. */
export const MAX_NAMES_PER_CLAIMANT = 8

/** Names (DHT keys) one DHT server stores in all: bounds disk and memory whatever the number of keys flooding it. */
export const MAX_STORED_NAMES = 4096

/** Claims one DHT server stores in all (about 300 bytes each, so about 2.4 MiB of values). */
export const MAX_STORED_CLAIMS = 8192

/** How often a DHT server deletes expired claims (and names left with none). */
export const NAME_SWEEP_INTERVAL_MS = 5 * 60 * 1000

/** How far ahead of our clock a record's `seq`, expiry or first-seen time may be: clocks disagree, not by more. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

/** How long a published record is valid. Short enough that a dead name fades within the hour. */
export const NAME_RECORD_TTL_MS = 60 * 60 * 1000

/** Records claiming to live longer than this are refused, so nobody plants a name for a year. */
export const MAX_NAME_RECORD_TTL_MS = 24 * 60 * 60 * 1000

/** Republish well before expiry: three chances per TTL if a round fails. */
export const NAME_REPUBLISH_INTERVAL_MS = NAME_RECORD_TTL_MS / 3

/** First republish after a successful publish; doubles until NAME_REPUBLISH_INTERVAL_MS. */
export const EARLY_REPUBLISH_MS = 60_000

/**
 * A publish counts as done once this many DHT peers stored the record (or every peer in the routing
 * table, in a network smaller than that); until then it is retried. kad-dht sends the record to the
 * 20 closest peers it finds, so in a formed network it lands on far more; 3 is the floor below which
 * one peer leaving, or one lookup missing a peer, could hide the name.
 */
export const NAME_MIN_REPLICAS = 3

/**
 * Longest a background publish may take, in ms. A put walks to the closest peers before it stores
 * anything, so a walk cut short stores nothing: on a saturated host (20 nodes in one process, load
 * 15 on 2 cores) walks took 10-20 s, every 10 s attempt was wasted and retried, and the retries were
 * most of the load. One slow publish that lands costs far less than several that time out.
 */
export const PUBLISH_TIMEOUT_MS = 60_000

/** Publish again when the routing table has grown by this factor since the last publish: the closest peers to our name have changed. */
export const TABLE_GROWTH_REPUBLISH_FACTOR = 2

/** Wait this long after the routing table changes before publishing, so a burst of new peers costs one publish, in ms. */
export const PUBLISH_SETTLE_MS = 250

/** First retry delay when a publish reached fewer than NAME_MIN_REPLICAS peers; doubles up to the max. */
export const PUBLISH_RETRY_MIN_MS = 1_000
export const PUBLISH_RETRY_MAX_MS = 30_000

/** How long each claimant gets to answer a dial when a NAME_AMBIGUOUS error reports who is reachable. */
export const CLAIMANT_PROBE_TIMEOUT_MS = 3_000

/** DNS label under which a domain names its agent's PeerId (the `_dnsaddr` / `_dnslink` convention). */
export const DNS_PROOF_LABEL = '_agentwire'

/** Datastore prefixes for our own naming state. */
export const PIN_PREFIX = '/agentwire/name-pins/'
export const SEQ_KEY = '/agentwire/name-seq'

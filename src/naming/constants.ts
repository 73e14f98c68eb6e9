// Name records in the DHT: where they live, how big they may be, how long they last.

/** DHT key namespace; kad-dht picks the validator by this first path segment. */
export const NAME_NAMESPACE = 'agentwire-name'
export const NAME_KEY_PREFIX = `/${NAME_NAMESPACE}/`

/** Domain separation for the signature, so a name-record signature can never be replayed as anything else. */
export const NAME_SIGNING_CONTEXT = 'agentwire-name-record:v1\n'

/** Largest encoded record accepted, in bytes. A real record is about 250 bytes. */
export const MAX_NAME_RECORD_BYTES = 1024

/** How long a published record is valid. Short enough that a dead name fades within the hour. */
export const NAME_RECORD_TTL_MS = 60 * 60 * 1000

/** Records claiming to live longer than this are refused, so nobody plants a name for a year. */
export const MAX_NAME_RECORD_TTL_MS = 24 * 60 * 60 * 1000

/** Republish well before expiry: three chances per TTL if a round fails. */
export const NAME_REPUBLISH_INTERVAL_MS = NAME_RECORD_TTL_MS / 3

/** First republish after a successful publish; doubles until NAME_REPUBLISH_INTERVAL_MS. */
export const EARLY_REPUBLISH_MS = 60_000

/** First retry delay when a publish reached no DHT peer; doubles up to the max. */
export const PUBLISH_RETRY_MIN_MS = 1_000
export const PUBLISH_RETRY_MAX_MS = 30_000

/** Datastore prefixes for our own naming state. */
export const PIN_PREFIX = '/agentwire/name-pins/'
export const SEQ_KEY = '/agentwire/name-seq'

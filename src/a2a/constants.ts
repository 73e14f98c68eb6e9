// The A2A binding over libp2p: protocol ids, the binding's name in AgentCards, and its limits.

/** One stream per A2A call, length-prefixed JSON frames. */
export const A2A_PROTOCOL = '/agentwire/a2a/1.0.0'

/** A peer's signed AgentCard. */
export const CARD_PROTOCOL = '/agentwire/card/1.0.0'

/** The `protocolBinding` URI an AgentCard uses to list this binding (see docs/a2a-libp2p-binding.md). */
export const A2A_LIBP2P_BINDING = 'urn:agentwire:a2a-libp2p:1.0'

/** The A2A protocol version this binding speaks. */
export const A2A_VERSION = '1.0'

/** Domain separation for envelope signatures. */
export const ENVELOPE_SIGNING_CONTEXT = 'agentwire-a2a-envelope:v1\n'

/** Datastore prefix for seen envelope nonces. */
export const A2A_NONCE_PREFIX = '/agentwire/a2a-nonces/'

/** Accepted clock difference for an envelope's timestamp, in ms. */
export const ENVELOPE_CLOCK_WINDOW_MS = 5 * 60 * 1000

/** Largest signed card frame, in bytes. */
export const MAX_CARD_BYTES = 64 * 1024

/** Longest we wait for the request frame of a call, in ms (the call itself may run longer). */
export const REQUEST_READ_TIMEOUT_MS = 10_000

/** How long a fetched and verified card is reused, in ms. */
export const CARD_CACHE_TTL_MS = 60_000

/** Methods whose answer is a stream of frames rather than one frame. */
export const STREAMING_METHODS = new Set(['SendStreamingMessage', 'SubscribeToTask'])

/** Every JSON-RPC method A2A v1.0 defines: anything else is refused before it reaches an agent. */
export const A2A_METHODS = new Set([
  'SendMessage', 'SendStreamingMessage', 'GetTask', 'ListTasks', 'CancelTask', 'SubscribeToTask',
  'CreateTaskPushNotificationConfig', 'GetTaskPushNotificationConfig', 'ListTaskPushNotificationConfigs', 'DeleteTaskPushNotificationConfig',
  'GetExtendedAgentCard'
])

/** The gateway's bearer token, in the data dir (mode 0600): what a caller that is not on loopback must present. */
export const GATEWAY_TOKEN_FILE = 'gateway.token'

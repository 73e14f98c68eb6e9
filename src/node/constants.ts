// Protocol ids and limits of the network layer. Application protocols keep theirs in their own folders.

/** Our own Kademlia DHT, kept apart from the public IPFS DHT so records and peers never mix. */
export const DHT_PROTOCOL = '/agentwire/kad/1.0.0'

/** Prefix for libp2p's own protocols (identify, ping, autonat…) so agentwire nodes only pair with each other. */
export const PROTOCOL_PREFIX = 'agentwire'

/** Version reported by `info` and in identify's agent version. */
export const AGENT_VERSION_PREFIX = 'agentwire/'

/**
 * Longest one WebRTC (ICE) dial may take, in ms. It is tried before the relayed address, so it has
 * to leave room for that fallback inside `limits.dialTimeoutMs` (10 s by default): in the NAT lab
 * ICE with STUN connected in well under 1 s; when it cannot (symmetric NATs, no STUN) it would
 * otherwise eat libp2p's 6 s per address, twice for a relay with two addresses, and the dial failed.
 */
export const WEBRTC_DIAL_TIMEOUT_MS = 4_000
/** After an ICE attempt to a peer failed, further WebRTC dials to it fail at once for this long, in ms, so the relay carries them without a wait. */
export const WEBRTC_RETRY_AFTER_MS = 60_000

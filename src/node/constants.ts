// Protocol ids and limits of the network layer. Application protocols keep theirs in their own folders.

/** Our own Kademlia DHT, kept apart from the public IPFS DHT so records and peers never mix. */
export const DHT_PROTOCOL = '/agentwire/kad/1.0.0'

/** Prefix for libp2p's own protocols (identify, ping, autonat…) so agentwire nodes only pair with each other. */
export const PROTOCOL_PREFIX = 'agentwire'

/** Version reported by `info` and in identify's agent version. */
export const AGENT_VERSION_PREFIX = 'agentwire/'

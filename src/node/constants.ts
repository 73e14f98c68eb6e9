// Protocol ids and limits of the network layer. Application protocols keep theirs in their own folders.

/** Our own Kademlia DHT, kept apart from the public IPFS DHT so records and peers never mix. */
export const DHT_PROTOCOL = '/agentwire/kad/1.0.0'

/** Prefix for libp2p's own protocols (identify, ping, autonat…) so agentwire nodes only pair with each other. */
export const PROTOCOL_PREFIX = 'agentwire'

/** libp2p's ping protocol under our prefix (the ping service and the connection monitor speak it). */
export const PING_PROTOCOL = `/${PROTOCOL_PREFIX}/ping/1.0.0`

/** Version reported by `info` and in identify's agent version. */
export const AGENT_VERSION_PREFIX = 'agentwire/'

/**
 * When the WebRTC upgrade of a relayed connection is tried, in ms after identify ran on it: the
 * first at once, then again after each delay while the connection is still only relayed. ICE
 * needs both nodes' CPU at the same moment; on a loaded machine (load average 14-20 in the NAT
 * lab) one attempt in a few did not finish within libp2p's 6 s per address, and the next one did.
 */
export const WEBRTC_UPGRADE_DELAYS_MS = [0, 2_000, 10_000]
/** Longest one WebRTC upgrade attempt (SDP over the relay, ICE, DTLS, SCTP) may take, in ms; nobody waits on it. */
export const WEBRTC_UPGRADE_TIMEOUT_MS = 10_000
/**
 * When DCUtR has a direct connection, the relayed one stays open until the calls on it finish, at
 * most this long, in ms (then it closes under them, as before). A2A calls may run minutes; the
 * relay's circuit limit (2 min by default) ends a relayed one sooner anyway.
 */
export const SWAP_DRAIN_MAX_MS = 60_000
/** How often a draining relayed connection is checked for streams still running, in ms. */
export const SWAP_DRAIN_POLL_MS = 100
/**
 * Longest one part of a node (libp2p, the trust service, the naming layer…) may take to stop, in
 * ms; past it stop() logs what the part still waits on, goes on with the other parts and releases
 * the data dir, then rejects with NODE_STOP_TIMEOUT. A clean stop takes well under a second; the
 * daemon's own hard limit is shorter (it exits, naming the same parts).
 */
export const NODE_PART_STOP_TIMEOUT_MS = 10_000

/**
 * Most DHT walks one lookup (a PeerId, a name) makes when its walks get no answer at all: every
 * request failed or timed out, which says nothing about the target. A walk with any answer is final,
 * and the caller's timeout bounds the walks too. Traced at 40 nodes on a loaded host (issue 21):
 * a missed lookup's requests all timed out together in an event-loop stall, while the target was
 * known at 36-39 of 39 nodes; a later walk got through.
 */
export const DHT_MAX_WALKS = 5

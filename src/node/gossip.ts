// GossipSub settings that are agentwire's own choice (see gossipOptions in libp2p.ts for where they
// go). Written against @libp2p/gossipsub 17.1.1.
import { toString } from 'uint8arrays'

/** The fields of a message on the wire that the fast id reads (GossipSub's RPC.Message). */
interface WireMessage { from?: Uint8Array | null, seqno?: Uint8Array | null }

/**
 * A cheap id for a message as it arrives, before any signature check: the publisher and its sequence
 * number, the same two things GossipSub's own id is made of under StrictSign (publisher's key +
 * seqno), read from the raw bytes. Without it GossipSub verifies the Ed25519 signature of every copy
 * of a message before it notices it has seen that id, and each node is handed a copy by every mesh
 * peer: ~0.1 ms of CPU per copy (scripts/validate-cost.ts), several copies per node, all on the one
 * thread of a process that may host many nodes. A copy with a forged signature under a known id is
 * dropped as a duplicate; under an id not seen yet it is still checked and rejected, and GossipSub
 * caches an id only after the check passed, so a forgery cannot shadow the real message.
 */
export function fastMessageId (msg: WireMessage): string {
  // A message with no publisher or seqno is invalid under StrictSign and never cached: '' is never a hit.
  if (msg.from == null || msg.seqno == null) return ''
  return toString(msg.from, 'base64') + '/' + toString(msg.seqno, 'base64')
}

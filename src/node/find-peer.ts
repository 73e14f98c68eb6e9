// Find a peer's current addresses through the DHT, bounded by a timeout, and say what was tried
// when it fails. Used when a PeerId has no known address, or its known addresses stopped working
// (the peer moved).
import type { PeerId, PeerInfo } from '@libp2p/interface'
import type { AgentLibp2p } from './libp2p.ts'
import { PeerUnreachableError } from './errors.ts'
import { kadTablePeers } from './libp2p-internals.ts'
import { DHT_MAX_WALKS } from './constants.ts'

export async function findPeer (libp2p: Pick<AgentLibp2p, 'services' | 'getConnections' | 'peerStore'>, peerId: PeerId, timeoutMs: number, signal?: AbortSignal): Promise<PeerInfo> {
  // kad-dht holds queries until its routing table has a peer. With no table entry and no connection
  // at all nobody can ever answer, so say so now instead of after the whole timeout (with a
  // connection, the table may just be refilling: wait for it).
  if (libp2p.services.dht.routingTable.size === 0 && libp2p.getConnections().length === 0) {
    throw new PeerUnreachableError(peerId.toString(), 'not found: this node knows no DHT peers to ask',
      'add a `bootstrap` peer to the config, or `agentwire connect` to a node of the network first')
  }
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal != null ? AbortSignal.any([signal, timeout]) : timeout
  let asked = 0
  // kad-dht ends a lookup in NotFound also when its requests failed (timed out, refused): counted
  // apart, so "nobody answered" (a loaded or partitioned network) is not reported as "not there".
  let unanswered = 0
  let walks = 0
  while (walks < DHT_MAX_WALKS && !combined.aborted) {
    walks++
    const before = asked
    try {
      // useCache: false — callers come here because the local addresses are missing or stale. With the
      // cache on, kad-dht answers from the peer store first, and a peer record left with no addresses
      // (a late event after a hang-up re-creates it) ends the lookup at once having asked nobody.
      for await (const event of libp2p.services.dht.findPeer(peerId, { signal: combined, useCache: false })) {
        if (event.name === 'PEER_RESPONSE') asked++
        if (event.name === 'QUERY_ERROR') unanswered++
        if (event.name === 'FINAL_PEER' && event.peer.multiaddrs.length > 0) {
          // Remember the fresh addresses so the dial (and later dials) use them.
          await libp2p.peerStore.merge(peerId, { multiaddrs: event.peer.multiaddrs })
          return event.peer
        }
      }
    } catch (err) {
      // NotFound is an answer, not a failure: fall through to the "what was tried" error below.
      const e = err instanceof Error ? err : new Error(String(err))
      if (e.name !== 'NotFoundError' && !timeout.aborted && signal?.aborted !== true) throw new PeerUnreachableError(peerId.toString(), `DHT lookup failed: ${e.message}`)
    }
    // A walk in which not one peer answered says nothing about the target (traced at 40 nodes on a
    // loaded host: every request of the missed lookups timed out, none came back without it). Walk
    // again while time remains (DHT_MAX_WALKS at most); a walk that got answers and no target is the answer.
    if (asked > before) break
  }
  const routing = kadTablePeers(libp2p.services.dht)
  throw new PeerUnreachableError(peerId.toString(),
    `not found in the DHT (asked ${asked} peer${asked === 1 ? '' : 's'}, ${unanswered} did not answer, ${walks} walk${walks === 1 ? '' : 's'}, ${routing} in the routing table${timeout.aborted ? `, gave up after ${timeoutMs} ms` : ''})`,
    routing === 0
      ? 'this node knows no DHT peers: add a `bootstrap` peer to its config, or `agentwire connect` to a node of the network'
      : 'the peer may be offline, or not yet announced to the DHT; try again in a few seconds, or dial a multiaddr directly')
}

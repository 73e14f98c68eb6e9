// Announce our trust-topic subscription to every gossip peer again, now and then.
//
// GossipSub tells a peer which topics we listen to once, when it opens its stream to that peer. A
// peer that drops that one RPC never learns we listen, and then never sends us a report: found under
// load, where a node's own slowness made it charge its peers with broken IWANT promises (P7), which
// graylisted them, and GossipSub drops a graylisted peer's RPCs whole — the subscription with the
// rest. Announcing a subscription the peer already knows is a no-op at the peer, so repeating it is
// safe and cheap (one small RPC per peer per interval).
import type { Logger } from '../log/logger.ts'
import { gossipsubSubscriptionAnnouncer } from '../node/libp2p-internals.ts'

/** Start re-announcing `topic` every `intervalMs`; returns the function that stops it. */
export function resubscribeEvery (pubsub: unknown, topic: string, intervalMs: number, log: Logger): () => void {
  const announcer = gossipsubSubscriptionAnnouncer(pubsub)
  if (announcer == null) {
    log.warn('this GossipSub cannot re-announce subscriptions; a peer that missed ours will not send us reports until it reconnects')
    return () => {}
  }
  const timer = setInterval(() => {
    for (const peer of announcer.peers()) {
      try { announcer.announce(peer, [topic]) } catch (err) { log.debug({ err, peer: peer.toString() }, 'could not re-announce the trust topic') }
    }
  }, intervalMs)
  timer.unref?.()
  return () => { clearInterval(timer) }
}

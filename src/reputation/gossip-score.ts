// How reputation reaches GossipSub's peer scoring: the application-specific score of a peer (so a
// quarantined peer is graylisted in the mesh too, and a refused or abusive one gets no gossip), and
// the score parameters of the trust topic itself.
import type { ReputationState } from './evidence.ts'

/** Application-specific GossipSub score (before GossipSub's appSpecificWeight, default 10). */
const GOSSIP_SCORE_QUARANTINED = -10
const GOSSIP_SCORE_REFUSED = -2
const GOSSIP_SCORE_ACCEPTED = 1
const GOSSIP_SCORE_FLOOR = -20

/**
 * The score of a peer in `state` (`quarantined` only while the quarantine book holds it; a view from
 * evidence is never in that state) that sent us `abuse`, a decayed count of rejected or flooded
 * reports. A quarantined peer's score is fixed: it is graylisted whatever else it did.
 */
export function appSpecificScore (state: ReputationState, abuse: number): number {
  if (state === 'quarantined') return GOSSIP_SCORE_QUARANTINED
  let s = 0
  if (state === 'refuse') s += GOSSIP_SCORE_REFUSED
  else if (state === 'accept') s += GOSSIP_SCORE_ACCEPTED
  s -= abuse
  return Math.max(GOSSIP_SCORE_FLOOR, s)
}

/**
 * GossipSub topic score parameters for the trust topic: only invalid deliveries (P4) count, since
 * reports are rare and mesh-delivery counters would penalise honest peers on a quiet topic.
 */
export function trustTopicScoreParams (): Record<string, number> {
  return {
    topicWeight: 1,
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 1,
    firstMessageDeliveriesWeight: 0,
    firstMessageDeliveriesDecay: 0.5,
    firstMessageDeliveriesCap: 1,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    invalidMessageDeliveriesWeight: -10,
    // Per decay interval (1 s): about a 4-minute half-life.
    invalidMessageDeliveriesDecay: 0.997
  }
}

// The reputation service as a component: `reputation(init)(components)`. Which peers we trust by
// handshake (the model's anchors) comes from the peer policy, not from the trust service itself.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Logger } from '../log/logger.ts'
import type { PeerPolicy, ReputationVerdicts } from '../policy/peer-policy.ts'
import { ReputationService, type ReputationComponents, type ReputationInit } from './service.ts'

export interface ReputationServiceComponents {
  libp2p: ReputationComponents['libp2p']
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  audit?: ReputationComponents['audit']
  logger: Logger
  policy: Pick<PeerPolicy, 'isTrusted'>
}

export function reputation (init: ReputationInit): (components: ReputationServiceComponents) => ReputationService {
  return (c) => new ReputationService({
    libp2p: c.libp2p,
    peerId: c.peerId,
    privateKey: c.privateKey,
    datastore: c.datastore,
    ...(c.audit != null ? { audit: c.audit } : {}),
    log: c.logger.child({ component: 'reputation' }),
    isTrusted: peerId => c.policy.isTrusted(peerId)
  }, init)
}

/** What the reputation service contributes to the peer policy. */
export function reputationVerdicts (service: Pick<ReputationService, 'admits' | 'isQuarantined' | 'quarantineRecord' | 'gossipScore'>): ReputationVerdicts {
  return {
    admits: peerId => service.admits(peerId),
    isQuarantined: peerId => service.isQuarantined(peerId),
    quarantinedUntil: peerId => service.quarantineRecord(peerId)?.until,
    gossipScore: peerId => service.gossipScore(peerId)
  }
}

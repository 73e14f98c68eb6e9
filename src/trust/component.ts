// The trust service as a component: `trust(init)(components)`, built from the few parts it uses.
// The reputation verdict for the `reputation` policy comes from the peer policy, resolving and
// dialling from the dialler; the service knows neither the reputation layer nor naming.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import type { PeerPolicy, TrustVerdicts } from '../policy/peer-policy.ts'
import type { Dialler } from '../dial/index.ts'
import { TrustService, type TrustInit } from './trust-service.ts'

export interface TrustServiceComponents {
  libp2p: AgentLibp2p
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  audit: AuditLog
  logger: Logger
  policy: Pick<PeerPolicy, 'admits'>
  dialler: Pick<Dialler, 'resolveTarget' | 'dial'>
  /** Names this node resolved, shown beside PeerIds in `trust list`. */
  names?: { nameOf: (peerId: string) => string | undefined }
}

export function trust (init: Omit<TrustInit, 'reputationAdmits'>): (components: TrustServiceComponents) => TrustService {
  return (c) => new TrustService({
    libp2p: c.libp2p,
    peerId: c.peerId,
    privateKey: c.privateKey,
    datastore: c.datastore,
    audit: c.audit,
    log: c.logger.child({ component: 'trust' }),
    resolvePeer: async (target, signal) => (await c.dialler.resolveTarget(target, signal != null ? { signal } : {})).peerId,
    dial: async (peerId, signal) => await c.dialler.dial({ peerId, text: peerId.toString() }, signal != null ? { signal } : {}),
    nameOf: peerId => c.names?.nameOf(peerId)
  }, { ...init, reputationAdmits: peer => c.policy.admits(peer) })
}

/** What the trust service contributes to the peer policy. */
export function trustVerdicts (service: Pick<TrustService, 'isTrusted'>): TrustVerdicts {
  return { isTrusted: peerId => service.isTrusted(peerId) }
}

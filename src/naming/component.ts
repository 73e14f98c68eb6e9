// The name service as a component: `naming(init)(components)`. Trusted claimants are preferred
// through the peer policy; claimants are probed with a plain libp2p dial.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Datastore } from 'interface-datastore'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import type { PeerPolicy } from '../policy/peer-policy.ts'
import { NameService, type NameServiceInit } from './name-service.ts'

export interface NamingComponents {
  libp2p: AgentLibp2p
  privateKey: PrivateKey
  peerId: PeerId
  datastore: Datastore
  logger: Logger
  policy: Pick<PeerPolicy, 'isTrusted'>
}

export function naming (init: Omit<NameServiceInit, 'isTrusted' | 'probe'>): (components: NamingComponents) => NameService {
  return (c) => new NameService(
    { libp2p: c.libp2p, privateKey: c.privateKey, peerId: c.peerId, datastore: c.datastore, log: c.logger.child({ component: 'naming' }) },
    {
      ...init,
      isTrusted: peerId => c.policy.isTrusted(peerId),
      probe: async (peerId, signal) => { await c.libp2p.dial(peerIdFromString(peerId), { signal }); return true }
    })
}

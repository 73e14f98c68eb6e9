// The A2A service as a component: `a2a(init)(components)`. Inbound calls come through the trust
// gate; outbound ones are dialled by the dialler; each call's outcome goes to `outcomes` (the
// node's counters and the reputation layer).
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import type { Gate } from '../trust/index.ts'
import type { Dialler } from '../dial/index.ts'
import type { CallOutcome } from './client.ts'
import { A2AService, type A2AInit } from './a2a-service.ts'

export interface A2AServiceComponents {
  libp2p: AgentLibp2p
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  audit: AuditLog
  logger: Logger
  /** The door inbound calls come through (the trust service's). */
  gate: Gate
  dialler: Pick<Dialler, 'resolveTarget' | 'dial'>
  /** Told the outcome of every outbound call. */
  outcomes?: (peerId: string, outcome: CallOutcome, method: string) => void
}

export function a2a (init: A2AInit): (components: A2AServiceComponents) => A2AService {
  return (c) => new A2AService({
    libp2p: c.libp2p,
    peerId: c.peerId,
    privateKey: c.privateKey,
    datastore: c.datastore,
    audit: c.audit,
    gate: c.gate,
    log: c.logger.child({ component: 'a2a' }),
    connect: async (target, signal) => await c.dialler.dial(await c.dialler.resolveTarget(target, signal != null ? { signal } : {}), signal != null ? { signal } : {}),
    ...(c.outcomes != null ? { onOutcome: c.outcomes } : {})
  }, init)
}

/**
 * Trust: the signed handshake (`/agentwire/handshake/1.0.0`), the per-PeerId trust store, the
 * policy, and the gate every application protocol registers through.
 *
 * @example
 * ```ts
 * await nodeA.trust.request(nodeB.peerId.toString(), 'summaries for the research team')
 * await nodeB.trust.approve(nodeA.peerId.toString())
 * await nodeB.trust.gate.handle('/my/protocol/1.0.0', handler, { maxInboundStreams: 8 })
 * ```
 */
export { TrustService, type TrustEntry, type TrustInit } from './trust-service.ts'
export { Gate, type GatedHandler, type GateOptions, type GatedCall } from './gate.ts'
export { AuditWitness, type WitnessAnswer } from './audit-witness.ts'
export { stateOf, type TrustState, type TrustRecord } from './trust-store.ts'
export { signHandshake, verifyHandshake, type SignedHandshake, type HandshakeBody } from './messages.ts'
export { HANDSHAKE_PROTOCOL, AUDIT_WITNESS_PROTOCOL, MAX_REASON_CHARS } from './constants.ts'
export { NotTrustedError, HandshakeRefusedError, UnknownPeerError } from './errors.ts'
export { trust, trustVerdicts, type TrustServiceComponents } from './component.ts'

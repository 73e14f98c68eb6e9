/**
 * A2A (Agent2Agent v1.0) over libp2p: the `/agentwire/a2a/1.0.0` binding, signed envelopes, signed
 * AgentCards (`/agentwire/card/1.0.0`), a TransportFactory for the SDK's ClientFactory, and the
 * local HTTP gateway. See docs/a2a-libp2p-binding.md.
 *
 * @example
 * ```ts
 * import { ClientFactory } from '@a2a-js/sdk/client'
 * const factory = new ClientFactory({ transports: [node.a2a.caller.transportFactory()] })
 * const { card } = await node.a2a.caller.card('research-agent')
 * const client = await factory.createFromAgentCard(AgentCard.fromJSON(card))
 * ```
 */
export { A2AService, type SendOptions } from './a2a-service.ts'
export { A2ACaller, type CallOutcome } from './client.ts'
export { signCard, verifyCard, withLibp2pInterface, type CardJson } from './card.ts'
export { ExampleAgentExecutor, exampleAgentCard, summarise } from './example-agent.ts'
export { signEnvelope, verifyEnvelope, hashBody, type Envelope } from './envelope.ts'
export { A2A_PROTOCOL, CARD_PROTOCOL, A2A_LIBP2P_BINDING, A2A_VERSION } from './constants.ts'
export { a2a, type A2AServiceComponents } from './component.ts'

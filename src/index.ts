/**
 * agentwire as a library: embed a network node for an AI agent in your own process. The node has a
 * permanent address (the PeerId of an Ed25519 key in its data dir), finds other agents by PeerId or
 * name through its DHT, asks and answers trust, and carries A2A v1.0 calls over libp2p. This file is
 * the whole public surface; anything not exported here is internal and may change.
 *
 * @example
 * ```ts
 * import { createAgentNode } from 'agentwire'
 *
 * const node = await createAgentNode({
 *   dataDir: './.data/caller',
 *   listen: ['/ip4/127.0.0.1/tcp/0'],
 *   bootstrap: ['/ip4/127.0.0.1/tcp/4101/p2p/12D3KooW…']
 * })
 * await node.start()
 * await node.ready()                                   // joined: bootstrap, DHT, name published
 * await node.trust.request('research-agent', 'nightly summaries')
 * // …once research-agent's operator has approved:
 * const { result } = await node.a2a.send('research-agent', 'Summarise this. It is short.')
 * await node.stop()
 * ```
 */
import { createAgentNode as createNode, type AgentNode as AgentNodeImpl, type AgentNodeOptions } from './agent-node.ts'
import type { AgentwireConfig, AgentwireConfigInput } from './config/index.ts'

/**
 * A running (or startable) agentwire node, as a library user sees it. `start()` goes online,
 * `ready()` waits until it has joined the network, `stop()` releases the data dir.
 *
 * - `trust`: the handshake (`request`, `approve`, `reject`, `revoke`, `list`, `pending`, `isAllowed`)
 * - `a2a`: A2A calls (`send`, `rpc`, `card`) and `a2a.caller.transportFactory()` for the official
 *   SDK's `ClientFactory`
 * - `reputation`: views, ratings (`rate`) and quarantine
 * - `naming`: this node's name record and pins; `resolve(name)` on the node itself resolves one
 * - `audit`: the hash-chained audit log
 * - `libp2p`: the underlying js-libp2p node, for what agentwire does not wrap (use with care)
 *
 * The node's private key is deliberately not part of this type: it never leaves the data dir.
 *
 * @example
 * ```ts
 * const node: AgentNode = await createAgentNode({ dataDir: './.data/a' })
 * await node.start()
 * console.log(node.info().peerId, node.addresses())
 * ```
 */
export type AgentNode = Pick<AgentNodeImpl,
'peerId' | 'config' | 'libp2p' | 'start' | 'stop' | 'ready' |
'addresses' | 'info' | 'health' | 'status' | 'peers' |
'resolve' | 'connect' | 'ping' | 'disconnect' |
'trust' | 'a2a' | 'reputation' | 'naming' | 'audit' | 'stats'>

/**
 * Build a node from a config (validated here: a bad key throws `ConfigError` naming it). Opens the
 * data dir (created 0700 with a new key on first use; locked against a second process). Nothing
 * touches the network until `start()`.
 *
 * @param config - the same keys as the YAML config file; only `dataDir` is required
 * @param options - `executor` and `card`: an in-process A2A agent that answers inbound calls;
 *   `logger`: where the node logs (silent by default)
 *
 * @example
 * ```ts
 * import { createAgentNode } from 'agentwire'
 * const node = await createAgentNode({ dataDir: './.data/agent', name: 'research-agent', listen: ['/ip4/0.0.0.0/tcp/4101'] },
 *   { executor: new MyExecutor(), card: { name: 'research agent', description: '…', version: '1.0.0', skills: [] } })
 * await node.start()
 * ```
 */
export async function createAgentNode (config: AgentwireConfigInput | AgentwireConfig, options: AgentNodeOptions = {}): Promise<AgentNode> {
  return await createNode(config, options)
}

export type { AgentNodeOptions, NodeInfo, StatusSummary, PeerSummary, ResolveResult, PingResult, ConnectResult } from './agent-node.ts'
export type { ReadyOptions } from './node/network-ready.ts'

/**
 * The config: `AgentwireConfigInput` is what you pass (every key optional but `dataDir`),
 * `AgentwireConfig` what the node runs with (defaults filled, `dataDir` absolute).
 * `loadConfigFile(path)` reads YAML or JSON as `agentwire start --config` does; `validateConfig`
 * checks an object and throws `ConfigError` naming the bad key.
 *
 * @example
 * ```ts
 * import { loadConfigFile, createAgentNode } from 'agentwire'
 * const node = await createAgentNode(await loadConfigFile('config/node.yaml'))
 * ```
 */
export type { AgentwireConfig, AgentwireConfigInput }
export { loadConfigFile, validateConfig } from './config/index.ts'

/**
 * Every error agentwire throws is an `AgentwireError` with a stable `code` to switch on, a
 * `message` that says what was wrong and a `hint` that says how to fix it. The subclasses below
 * let `instanceof` (or `err.name`) pick one out.
 *
 * @example
 * ```ts
 * import { AgentwireError } from 'agentwire'
 * try {
 *   await node.a2a.send('research-agent', 'hi')
 * } catch (err) {
 *   if (err instanceof AgentwireError && err.code === 'NOT_TRUSTED') await node.trust.request('research-agent')
 *   else throw err
 * }
 * ```
 */
export { AgentwireError, type ErrorBody } from './errors.ts'
export { ConfigError, ConfigNotFoundError } from './config/index.ts'
export { KeyFileCorruptError, KeyFileExposedError } from './identity/index.ts'
export { DataDirLockedError, InvalidTargetError, PeerUnreachableError, NotConnectedError, NetworkNotJoinedError, NodeStopTimeoutError } from './node/errors.ts'
export { NameNotFoundError, NamePinConflictError, NameAmbiguousError, NamePickError, NameProofInvalidError, NameDnsUnavailableError, NameClaimRefusedError, InvalidNameRecordError } from './naming/errors.ts'
export { NotTrustedError, HandshakeRefusedError, UnknownPeerError } from './trust/index.ts'
export { CardVerificationError, CallLimitError, EnvelopeError } from './a2a/errors.ts'
export { InvalidReportError, UnknownOutcomeError, NotQuarantinedError, SelfRatingError } from './reputation/index.ts'
export { DaemonNotRunningError } from './control/errors.ts'

/**
 * A2A: the card type an agent passes to `createAgentNode` (protojson, as `@a2a-js/sdk` 1.3 writes
 * it; the node adds its libp2p interface and signs it), the protocol ids, and the example agent the
 * quickstart uses. Calls go through `node.a2a`; the official SDK client goes through
 * `node.a2a.caller.transportFactory()`.
 *
 * @example
 * ```ts
 * import { AgentCard } from '@a2a-js/sdk'
 * import { ClientFactory } from '@a2a-js/sdk/client'
 * const { card } = await node.a2a.caller.card('research-agent')      // signature checked
 * const client = await new ClientFactory({ transports: [node.a2a.caller.transportFactory()] })
 *   .createFromAgentCard(AgentCard.fromJSON(card))
 * ```
 */
export type { CardJson, SendOptions, CallOutcome } from './a2a/index.ts'
export { A2A_PROTOCOL, CARD_PROTOCOL, A2A_LIBP2P_BINDING, A2A_VERSION, ExampleAgentExecutor, exampleAgentCard, verifyCard } from './a2a/index.ts'

/** The other protocol ids and the reputation topic, for firewalls, traces and interop. */
export { HANDSHAKE_PROTOCOL } from './trust/index.ts'
export { TRUST_TOPIC } from './reputation/index.ts'

/** Shapes the services return, for typing your own code around them. */
export type { TrustEntry, TrustState } from './trust/index.ts'
export type { ReputationView, RateOutcome } from './reputation/index.ts'
export type { AuditEntry, AuditQuery, VerifyResult } from './audit/index.ts'
export type { HealthReport } from './metrics/index.ts'
export type { Logger } from './log/logger.ts'

/**
 * `testnet(n)`: n real nodes on 127.0.0.1 in this process, to test your agent against a real
 * network; `waitFor(what, check)` polls a condition instead of sleeping.
 *
 * @example
 * ```ts
 * import { testnet } from 'agentwire'
 * const net = await testnet(2, { options: i => (i === 1 ? { executor, card } : {}) })
 * await net.trust(net.nodes[0], net.nodes[1])
 * const { result } = await net.nodes[0].a2a.send(net.nodes[1].peerId.toString(), 'hello')
 * await net.stop()
 * ```
 */
export { testnet, waitFor, type Testnet, type TestnetOptions, type Teardown } from './testnet.ts'
export { VERSION } from './version.ts'

/**
 * Reaching peers: a target (PeerId, name or multiaddr) resolved to a PeerId and dialled, known
 * addresses first, then the DHT. Quarantined peers and this node itself are refused.
 *
 * @example
 * ```ts
 * const d = dialler({ dialTimeoutMs: 10_000, queryTimeoutMs: 10_000 })({ libp2p, policy, names, logger })
 * const conn = await d.dial(await d.resolveTarget('research-agent'))
 * ```
 */
export { Dialler, dialler, type DiallerInit, type DiallerComponents, type ResolvedTarget, type ResolveResult, type PingResult, type ConnectResult } from './dialler.ts'

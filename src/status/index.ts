/**
 * What a node reports about itself: `info()`, `health()`, `status()`, `peers()`, and the join
 * state `ready()` waits on.
 *
 * @example
 * ```ts
 * const s = new NodeStatus({ config, libp2p, bootstrap, naming, trust, reputation, a2a, stats, metricsUrl: () => undefined })
 * s.start()
 * console.log(s.health().status)
 * ```
 */
export { NodeStatus, countBy, type NodeStatusComponents, type NodeInfo, type StatusSummary, type PeerSummary } from './node-status.ts'

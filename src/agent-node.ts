// createAgentNode: the composition root. It opens the node's data (key, datastore, audit log),
// builds the libp2p stack and each capability as a component of the few parts it needs, wires them
// through one peer policy, and starts and stops them in order. What the node reports lives in
// status/, how it reaches peers in dial/; the methods here only hand over to them.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey, Connection } from '@libp2p/interface'
import type { LevelDatastore } from 'datastore-level'
import type { AgentExecutor } from '@a2a-js/sdk/server'
import { Registry } from 'prom-client'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { validateConfig, type AgentwireConfig, type AgentwireConfigInput } from './config/index.ts'
import { loadOrCreateKey } from './identity/index.ts'
import { openDatastore, closeDatastore } from './node/datastore.ts'
import { createStack, dhtServes, type AgentLibp2p } from './node/libp2p.ts'
import { waitUntilJoined, type ReadyOptions } from './node/network-ready.ts'
import { BootstrapKeeper } from './node/bootstrap-keeper.ts'
import { Lifecycle, type Part } from './node/lifecycle.ts'
import { componentStops } from './node/libp2p-internals.ts'
import { AuditLog } from './audit/index.ts'
import { createPeerPolicy } from './policy/peer-policy.ts'
import { trust, trustVerdicts, type TrustService } from './trust/index.ts'
import { a2a, type A2AService, type CardJson } from './a2a/index.ts'
import { reputation, reputationVerdicts, TRUST_TOPIC, trustTopicScoreParams, type ReputationService } from './reputation/index.ts'
import { naming, ClaimStore, NAME_NAMESPACE, validateNameRecord, selectNameRecord, type NameService, type ResolveOptions } from './naming/index.ts'
import { dialler, type Dialler, type ResolvedTarget, type ResolveResult, type PingResult, type ConnectResult } from './dial/index.ts'
import { NodeStatus, countBy, type NodeInfo, type StatusSummary, type PeerSummary } from './status/index.ts'
import { NodeStats, metricsEndpoint, type MetricsEndpoint, type HealthReport } from './metrics/index.ts'
import { silentLogger, type Logger } from './log/logger.ts'
import { AgentwireError } from './errors.ts'

export type { NodeInfo, StatusSummary, PeerSummary } from './status/index.ts'
export type { ResolveResult, PingResult, ConnectResult, ResolvedTarget } from './dial/index.ts'

export interface AgentNodeOptions {
  /** Where the node logs. @default a silent logger */
  logger?: Logger
  /** An in-process A2A agent that answers inbound calls (instead of `a2a.upstream`). */
  executor?: AgentExecutor
  /** That agent's AgentCard (protojson); the node adds its libp2p interface and signs it. */
  card?: CardJson
}

/** Everything a node is made of, built by `createAgentNode`. */
interface AgentNodeParts {
  config: AgentwireConfig
  privateKey: PrivateKey
  libp2p: AgentLibp2p
  datastore: LevelDatastore
  log: Logger
  audit: AuditLog
  registry: Registry
  stats: NodeStats
  claims: ClaimStore
  reputation: ReputationService
  naming: NameService
  dialler: Dialler
  trust: TrustService
  a2a: A2AService
  bootstrap: BootstrapKeeper
  status: NodeStatus
  metrics: MetricsEndpoint
}

type PartName = 'claims' | 'trust' | 'a2a' | 'libp2p' | 'reputation' | 'dhtMode' | 'status' | 'bootstrap' | 'naming' | 'metrics' | 'announce'

export class AgentNode {
  readonly config: AgentwireConfig
  readonly peerId: PeerId
  readonly libp2p: AgentLibp2p
  readonly log: Logger
  readonly datastore: LevelDatastore
  readonly naming: NameService
  readonly trust: TrustService
  readonly a2a: A2AService
  readonly reputation: ReputationService
  readonly audit: AuditLog
  /** Counters since start, for `status`, `health` and Prometheus. */
  readonly stats: NodeStats
  /** This node's Prometheus registry (libp2p's metrics and ours). */
  readonly registry: Registry
  /** What this node stores for others' names as a DHT server (bounded, merged per claimant). */
  readonly claims: ClaimStore
  private readonly privateKey: PrivateKey
  private readonly dialler: Dialler
  private readonly reporter: NodeStatus
  private readonly bootstrap: BootstrapKeeper
  private readonly lifecycle: Lifecycle<PartName>
  private closing: Promise<void> | undefined

  constructor (parts: AgentNodeParts) {
    this.config = parts.config
    this.privateKey = parts.privateKey
    this.peerId = peerIdFromPrivateKey(parts.privateKey)
    this.libp2p = parts.libp2p
    this.datastore = parts.datastore
    this.log = parts.log
    this.audit = parts.audit
    this.registry = parts.registry
    this.stats = parts.stats
    this.claims = parts.claims
    this.reputation = parts.reputation
    this.naming = parts.naming
    this.trust = parts.trust
    this.a2a = parts.a2a
    this.dialler = parts.dialler
    this.reporter = parts.status
    this.bootstrap = parts.bootstrap
    const { libp2p, config, audit, log } = parts
    const started: Part = {
      start: async () => {
        await audit.append('node.start', { addresses: this.addresses() })
        log.info({ peerId: this.peerId.toString(), addresses: this.addresses() }, 'node started')
      },
      stop: async () => { await audit.append('node.stop') }
    }
    this.lifecycle = new Lifecycle<PartName>([
      ['claims', parts.claims],
      ['trust', parts.trust],
      ['a2a', parts.a2a],
      // Stopping libp2p names the component it still waits on, if it has to give up on it.
      ['libp2p', { start: async () => { await libp2p.start() }, stop: async () => { await libp2p.stop() }, waitingOn: componentStops(libp2p) }],
      // GossipSub must be running before the reputation layer subscribes to its topic.
      ['reputation', parts.reputation],
      ['dhtMode', { start: async () => { if (dhtServes(config)) await libp2p.services.dht.setMode('server') }, stop: () => {} }],
      ['status', parts.status],
      ['bootstrap', parts.bootstrap],
      ['naming', parts.naming],
      ['metrics', parts.metrics],
      ['announce', started]
    ], [
      // Background work first, then the protocols, then the network itself.
      'bootstrap', 'claims', 'metrics', 'naming', 'a2a', 'trust', 'reputation', 'announce', 'libp2p', 'dhtMode', 'status'
    ], log)
  }

  /** The node's own private key, for signing records and envelopes. Never logged. */
  get key (): PrivateKey { return this.privateKey }

  /**
   * Go online. Calling it again while starting or started is the same start; if a part fails to
   * start, what had started is stopped before the error is thrown. A stopped node cannot start
   * again (its data dir is released): create a new one.
   */
  async start (): Promise<void> {
    if (this.closing != null) throw new AgentwireError('NODE_STOPPED', 'this node was stopped and its data dir released', 'create a new node with createAgentNode() on the same data dir')
    await this.lifecycle.start()
  }

  /** Go offline and release the data dir (its lock, the datastore, the audit log). Safe to call twice. */
  async stop (): Promise<void> {
    this.closing ??= this.close()
    await this.closing
  }

  /** While stop() runs: the part it waits on and, for libp2p, the components still stopping. */
  waitingOn (): string[] { return this.lifecycle.waitingOn() }

  private async close (): Promise<void> {
    try {
      await this.lifecycle.stop()
    } finally {
      await this.audit.close()
      await closeDatastore(this.config.dataDir, this.datastore)
      this.log.info('node stopped')
    }
  }

  /**
   * Resolves once the node has joined its network: a bootstrap peer connected, peers in the DHT
   * routing table and, for a named node, its name stored on a DHT peer. `start()` returns before
   * that; await this before resolving names or asking for trust. A node without bootstrap peers
   * (the first of a network) is ready at once. Rejects with NETWORK_NOT_JOINED after `timeoutMs`.
   */
  async ready (options: ReadyOptions = {}): Promise<void> {
    await waitUntilJoined(() => this.reporter.joinState(), options)
  }

  /** Full multiaddrs ending in /p2p/<PeerId>, as others should dial them. */
  addresses (): string[] { return this.reporter.addresses() }
  info (): NodeInfo { return this.reporter.info() }
  health (info: NodeInfo = this.info()): HealthReport { return this.reporter.health(info) }
  status (): StatusSummary { return this.reporter.status() }
  peers (): PeerSummary[] { return this.reporter.peers() }

  /** Turn what a user typed into a PeerId (and maybe an address). Names need the DHT (naming layer). */
  async resolveTarget (text: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedTarget> { return await this.dialler.resolveTarget(text, options) }
  /** Resolve a name to a PeerId (pinning it on first use) and the addresses known for it. */
  async resolve (name: string, options: ResolveOptions = {}): Promise<ResolveResult> { return await this.dialler.resolve(name, options) }
  /** Open (or reuse) a connection to a target. */
  async connect (text: string, options: { signal?: AbortSignal } = {}): Promise<ConnectResult> { return await this.dialler.connect(text, options) }
  /** Connect to a resolved target: known addresses first, then the DHT. */
  async dial (target: ResolvedTarget, options: { signal?: AbortSignal } = {}): Promise<Connection> { return await this.dialler.dial(target, options) }
  async ping (text: string, options: { signal?: AbortSignal } = {}): Promise<PingResult> { return await this.dialler.ping(text, options) }
  async disconnect (text: string): Promise<{ peerId: string, closed: number }> { return await this.dialler.disconnect(text) }
}

/**
 * Build a node from a config (validated here if it is not already). Opens the data directory, which
 * locks it against a second daemon; call `start()` to go online and `stop()` to release it.
 *
 * @example
 * ```ts
 * import { createAgentNode } from 'agentwire'
 * const node = await createAgentNode({ dataDir: './.data/agent', listen: ['/ip4/127.0.0.1/tcp/0'] })
 * await node.start()
 * console.log(node.peerId.toString(), node.addresses())
 * await node.stop()
 * ```
 */
export async function createAgentNode (config: AgentwireConfigInput | AgentwireConfig, options: AgentNodeOptions = {}): Promise<AgentNode> {
  const validated = validateConfig(config)
  const log = options.logger ?? silentLogger()
  const { privateKey, created, path } = await loadOrCreateKey(validated.dataDir)
  if (created) log.info({ keyFile: path }, 'created a new identity key')
  const datastore = await openDatastore(validated.dataDir)
  let audit: AuditLog | undefined
  try {
    const opened = await AuditLog.open(validated.dataDir, peerIdFromPrivateKey(privateKey).toString(), { sign: data => privateKey.sign(data) })
    audit = opened.log
    if (opened.repaired != null) log.warn(opened.repaired, 'audit log had a torn last line (crash mid-write); moved it aside and recorded the repair')
    return await assemble(validated, privateKey, datastore, audit, log, options)
  } catch (err) {
    await audit?.close()
    await closeDatastore(validated.dataDir, datastore)
    throw err
  }
}

/** Build the stack and every component, in dependency order; nothing starts here. */
async function assemble (config: AgentwireConfig, privateKey: PrivateKey, datastore: LevelDatastore, audit: AuditLog, log: Logger, options: AgentNodeOptions): Promise<AgentNode> {
  // The verdicts services ask each other for; trust and reputation plug in below, once built.
  const { policy, provideTrust, provideReputation } = createPeerPolicy()
  // One registry per node, so several nodes in one process (tests, embedding) never clash.
  const registry = new Registry()
  const stats = new NodeStats()
  audit.onAppend(entry => { stats.recordAudit(entry) })
  const claims = new ClaimStore(datastore, { log: log.child({ component: 'name-store' }) })
  const libp2p = await createStack({
    config,
    privateKey,
    // Name records merge per claimant instead of replacing each other (see naming/claim-store.ts).
    datastore: claims.datastore,
    ...(config.metrics.listen != null ? { metrics: prometheusMetrics({ registry, preserveExistingMetrics: true }) } : {}),
    gossipScore: { appSpecificScore: peer => policy.gossipScore(peer), topics: { [TRUST_TOPIC]: trustTopicScoreParams() } },
    // A quarantined peer cannot even connect: refused before any protocol runs.
    refusePeer: peer => policy.isQuarantined(peer),
    // Every node validates name records, or a DHT server would refuse (or worse, keep) bad ones.
    dhtValidators: { [NAME_NAMESPACE]: validateNameRecord },
    dhtSelectors: { [NAME_NAMESPACE]: selectNameRecord }
  })
  const base = { config, libp2p, peerId: libp2p.peerId, privateKey, datastore, audit, logger: log, policy }

  const reputationService = reputation(config.reputation)(base)
  provideReputation(reputationVerdicts(reputationService))
  const nameService = naming({
    ...(config.name != null ? { name: config.name } : {}),
    queryTimeoutMs: config.dht.queryTimeoutMs,
    ...(config.naming.verifyDomains ? { dns: { servers: config.naming.dnsServers, timeoutMs: config.naming.dnsTimeoutMs } } : {})
  })(base)
  const targets = dialler({ dialTimeoutMs: config.limits.dialTimeoutMs, queryTimeoutMs: config.dht.queryTimeoutMs })({ ...base, names: nameService })
  const trustService = trust({
    ...config.trust,
    guard: {
      streamsPerSecond: config.limits.streamsPerSecond,
      streamBurst: config.limits.streamBurst,
      maxStreamsPerPeer: config.limits.maxStreamsPerPeer,
      maxPendingStreams: config.limits.maxPendingStreams,
      strikeThreshold: config.limits.strikeThreshold,
      banMs: config.limits.banMs
    }
  })({ ...base, dialler: targets, names: nameService })
  provideTrust(trustVerdicts(trustService))
  const a2aService = a2a({ config, ...(options.executor != null ? { executor: options.executor } : {}), ...(options.card != null ? { card: options.card } : {}) })({
    ...base,
    gate: trustService.gate,
    dialler: targets,
    outcomes: (peer, outcome, method) => {
      stats.recordOutcome(outcome)
      reputationService.recordOutcome(peer, outcome, method)
    }
  })
  const bootstrap = new BootstrapKeeper(libp2p, config.bootstrap, log.child({ component: 'bootstrap' }), config.limits.dialTimeoutMs)
  // status reads the endpoint's url lazily, and the endpoint's sources read status: one of the two is late.
  // eslint-disable-next-line prefer-const -- assigned once, below, after the closure that reads it
  let metrics: MetricsEndpoint | undefined
  const status = new NodeStatus({ config, libp2p, bootstrap, naming: nameService, trust: trustService, reputation: reputationService, a2a: a2aService, stats, metricsUrl: () => metrics?.url })
  metrics = metricsEndpoint({ ...(config.metrics.listen != null ? { listen: config.metrics.listen } : {}) })({
    registry,
    logger: log,
    sources: {
      stats,
      connections: () => { const p = status.peers(); return { direct: p.filter(x => x.direct).length, relayed: p.filter(x => !x.direct).length } },
      trustStates: () => countBy(trustService.list().map(e => e.state)),
      reputationStates: () => countBy(reputationService.list().map(v => v.state)),
      guard: () => trustService.guard.stats()
    }
  })
  return new AgentNode({
    config, privateKey, libp2p, datastore, log, audit, registry, stats, claims,
    reputation: reputationService, naming: nameService, dialler: targets, trust: trustService, a2a: a2aService, bootstrap, status, metrics
  })
}

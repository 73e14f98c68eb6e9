// createAgentNode: the composition root. It turns a config into a running agentwire node (identity,
// datastore, libp2p stack) and offers the operations the control API and library users share.
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, PrivateKey, Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { LevelDatastore } from 'datastore-level'
import { validateConfig, type AgentwireConfig, type AgentwireConfigInput } from './config/index.ts'
import { loadOrCreateKey } from './identity/index.ts'
import { openDatastore, closeDatastore } from './node/datastore.ts'
import { createStack, dhtServes, type AgentLibp2p } from './node/libp2p.ts'
import { parseTarget, type Target } from './node/targets.ts'
import { InvalidTargetError, NotConnectedError, PeerUnreachableError } from './node/errors.ts'
import { findPeer } from './node/find-peer.ts'
import { waitUntilJoined, type ReadyOptions } from './node/network-ready.ts'
import { BootstrapKeeper } from './node/bootstrap-keeper.ts'
import { dhtHealth, type DhtHealth } from './node/dht-health.ts'
import { AuditLog } from './audit/index.ts'
import { TrustService } from './trust/index.ts'
import { A2AService, type CardJson } from './a2a/index.ts'
import { ReputationService, TRUST_TOPIC, trustTopicScoreParams } from './reputation/index.ts'
import type { AgentExecutor } from '@a2a-js/sdk/server'
import { Registry } from 'prom-client'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { NodeStats, registerAgentMetrics, startMetricsServer, assessHealth, type MetricsServer, type HealthReport, type Refusal } from './metrics/index.ts'
import { reachability, type Reachability } from './node/reachability.ts'
import { NameService, ClaimStore, NAME_NAMESPACE, validateNameRecord, selectNameRecord, type ResolveOptions, type ClaimantInfo } from './naming/index.ts'
import { silentLogger, type Logger } from './log/logger.ts'
import { VERSION } from './version.ts'
import { AgentwireError } from './errors.ts'

export interface AgentNodeOptions {
  /** Where the node logs. @default a silent logger */
  logger?: Logger
  /** An in-process A2A agent that answers inbound calls (instead of `a2a.upstream`). */
  executor?: AgentExecutor
  /** That agent's AgentCard (protojson); the node adds its libp2p interface and signs it. */
  card?: CardJson
}

export interface NodeInfo {
  peerId: string
  name: string | null
  addresses: string[]
  connections: number
  uptimeSeconds: number
  version: string
  dataDir: string
  dhtMode: 'server' | 'client'
  /** The local A2A HTTP gateway, when it runs. */
  gateway: string | null
  /** Peers given their own gateway port (`a2a.gateway.peers`): target → base URL. */
  gatewayPeers: Record<string, string>
  /** Prometheus endpoint, when `metrics.listen` is set. */
  metrics: string | null
  /** AutoNAT's verdict, the relays holding a reservation for us, and our /p2p-circuit addresses. */
  reachability: Reachability
}

export interface StatusSummary {
  peerId: string
  name: string | null
  uptimeSeconds: number
  peers: { total: number, direct: number, relayed: number }
  trust: Record<string, number>
  a2a: { callsIn: number, refusedIn: number, outcomesOut: Record<string, number> }
  gate: { accepted: number, refused: number }
  /** The peer guard: streams refused by reason, disconnected and banned peers. */
  guard: { rejections: Record<string, number>, disconnects: number, banned: number }
  reputation: Record<string, number>
  recentRefusals: Refusal[]
  health: HealthReport
  /** The DHT routing table: peers, and whether it is fit for lookups (empty / sparse / ok). */
  dht: DhtHealth
}

export interface PeerSummary {
  peerId: string
  addresses: string[]
  direct: boolean
  transport: string
  latencyMs: number | null
}

export interface ResolveResult {
  name: string
  peerId: string
  addresses: string[]
  pinned: boolean
  newlyPinned: boolean
  hops: number
  /** "dns" when the domain's DNS TXT record names this PeerId. */
  verified: 'dns' | null
  /** Other PeerIds claiming this name, not followed. */
  otherClaimants: ClaimantInfo[]
  warnings: string[]
}

export interface PingResult { peerId: string, rttMs: number }
export interface ConnectResult { peerId: string, address: string, direct: boolean }

/** A target after resolution: who it is, and where to try first when we know. */
export interface ResolvedTarget { peerId: PeerId, addr?: Multiaddr, text: string }

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
  readonly stats = new NodeStats()
  /** This node's Prometheus registry (libp2p's metrics and ours). */
  readonly registry: Registry
  private metricsServer: MetricsServer | undefined
  private readonly bootstrap: BootstrapKeeper
  private readonly privateKey: PrivateKey
  private startedAt = 0

  /** What this node stores for others' names as a DHT server (bounded, merged per claimant). */
  readonly claims: ClaimStore

  constructor (init: { config: AgentwireConfig, privateKey: PrivateKey, libp2p: AgentLibp2p, datastore: LevelDatastore, log: Logger, audit: AuditLog, options: AgentNodeOptions, registry: Registry, bindReputation: (r: ReputationService) => void, claims: ClaimStore }) {
    this.claims = init.claims
    this.config = init.config
    this.privateKey = init.privateKey
    this.peerId = peerIdFromPrivateKey(init.privateKey)
    this.libp2p = init.libp2p
    this.datastore = init.datastore
    this.log = init.log
    this.audit = init.audit
    this.registry = init.registry
    this.audit.onAppend(entry => this.stats.recordAudit(entry))
    this.reputation = new ReputationService({
      libp2p: this.libp2p,
      peerId: this.peerId,
      privateKey: this.privateKey,
      datastore: this.datastore,
      audit: this.audit,
      log: this.log.child({ component: 'reputation' }),
      // Read late: the trust service is built next, and only consulted once peers report.
      isTrusted: peerId => this.trust?.isTrusted(peerId) ?? false
    }, this.config.reputation)
    init.bindReputation(this.reputation)
    this.trust = new TrustService({
      libp2p: this.libp2p,
      peerId: this.peerId,
      privateKey: this.privateKey,
      datastore: this.datastore,
      audit: this.audit,
      log: this.log.child({ component: 'trust' }),
      resolvePeer: async (target, signal) => (await this.resolveTarget(target, signal != null ? { signal } : {})).peerId,
      dial: async (peerId, signal) => await this.dial({ peerId, text: peerId.toString() }, signal != null ? { signal } : {}),
      nameOf: peerId => this.naming.nameOf(peerId)
    }, {
      ...this.config.trust,
      reputationAdmits: peer => this.reputation.admits(peer),
      guard: {
        streamsPerSecond: this.config.limits.streamsPerSecond,
        streamBurst: this.config.limits.streamBurst,
        maxStreamsPerPeer: this.config.limits.maxStreamsPerPeer,
        maxPendingStreams: this.config.limits.maxPendingStreams,
        strikeThreshold: this.config.limits.strikeThreshold,
        banMs: this.config.limits.banMs
      }
    })
    this.a2a = new A2AService({
      libp2p: this.libp2p,
      peerId: this.peerId,
      privateKey: this.privateKey,
      datastore: this.datastore,
      audit: this.audit,
      gate: this.trust.gate,
      log: this.log.child({ component: 'a2a' }),
      connect: async (target, signal) => await this.dial(await this.resolveTarget(target, signal != null ? { signal } : {}), signal != null ? { signal } : {}),
      onOutcome: (peer, outcome, method) => {
        this.stats.recordOutcome(outcome)
        this.reputation.recordOutcome(peer, outcome, method)
      }
    }, { config: this.config, ...(init.options.executor != null ? { executor: init.options.executor } : {}), ...(init.options.card != null ? { card: init.options.card } : {}) })
    this.naming = new NameService(
      { libp2p: this.libp2p, privateKey: this.privateKey, peerId: this.peerId, datastore: this.datastore, log: this.log.child({ component: 'naming' }) },
      {
        ...(this.config.name != null ? { name: this.config.name } : {}),
        queryTimeoutMs: this.config.dht.queryTimeoutMs,
        isTrusted: peerId => this.trust.isTrusted(peerId),
        ...(this.config.naming.verifyDomains ? { dns: { servers: this.config.naming.dnsServers, timeoutMs: this.config.naming.dnsTimeoutMs } } : {}),
        probe: async (peerId, signal) => { await this.libp2p.dial(peerIdFromString(peerId), { signal }); return true }
      })
    this.bootstrap = new BootstrapKeeper(this.libp2p, this.config.bootstrap, this.log.child({ component: 'bootstrap' }), this.config.limits.dialTimeoutMs)
  }

  /** The node's own private key, for signing records and envelopes. Never logged. */
  get key (): PrivateKey { return this.privateKey }

  async start (): Promise<void> {
    await this.claims.start()
    await this.trust.start()
    await this.a2a.start()
    await this.libp2p.start()
    // GossipSub must be running before the reputation layer subscribes to its topic.
    await this.reputation.start()
    if (dhtServes(this.config)) await this.libp2p.services.dht.setMode('server')
    this.startedAt = Date.now()
    this.bootstrap.start()
    this.naming.start()
    if (this.config.metrics.listen != null) {
      registerAgentMetrics(this.registry, {
        stats: this.stats,
        connections: () => { const p = this.peers(); return { direct: p.filter(x => x.direct).length, relayed: p.filter(x => !x.direct).length } },
        trustStates: () => countBy(this.trust.list().map(e => e.state)),
        reputationStates: () => countBy(this.reputation.list().map(v => v.state)),
        guard: () => this.trust.guard.stats()
      })
      this.metricsServer = await startMetricsServer(this.config.metrics.listen, this.registry)
      this.log.info({ url: this.metricsServer.url }, 'metrics served')
    }
    await this.audit.append('node.start', { addresses: this.addresses() })
    this.log.info({ peerId: this.peerId.toString(), addresses: this.addresses() }, 'node started')
  }

  async stop (): Promise<void> {
    this.bootstrap.stop()
    this.claims.stop()
    await this.metricsServer?.close()
    await this.naming.stop()
    await this.a2a.stop()
    await this.trust.stop()
    await this.reputation.stop()
    await this.audit.append('node.stop')
    await this.libp2p.stop()
    await this.audit.close()
    await closeDatastore(this.config.dataDir, this.datastore)
    this.log.info('node stopped')
  }

  /**
   * Resolves once the node has joined its network: a bootstrap peer connected, peers in the DHT
   * routing table and, for a named node, its name stored on a DHT peer. `start()` returns before
   * that; await this before resolving names or asking for trust. A node without bootstrap peers
   * (the first of a network) is ready at once. Rejects with NETWORK_NOT_JOINED after `timeoutMs`.
   */
  async ready (options: ReadyOptions = {}): Promise<void> {
    await waitUntilJoined(() => ({
      bootstrapConfigured: this.bootstrap.configured(),
      bootstrapConnected: this.bootstrap.connected(),
      routingTable: (this.libp2p.services.dht as SingleKadDHT).routingTable?.size ?? 0,
      name: this.config.name ?? null,
      namePublishedTo: this.naming.lastPublished?.peersReached ?? 0
    }), options)
  }

  /** Full multiaddrs ending in /p2p/<PeerId>, as others should dial them. */
  addresses (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  info (): NodeInfo {
    return {
      peerId: this.peerId.toString(),
      name: this.config.name ?? null,
      addresses: this.addresses(),
      connections: this.libp2p.getConnections().length,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: VERSION,
      dataDir: this.config.dataDir,
      dhtMode: this.libp2p.services.dht.getMode(),
      gateway: this.a2a.gatewayUrl ?? null,
      gatewayPeers: this.a2a.gatewayPeers,
      metrics: this.metricsServer?.url ?? null,
      reachability: reachability(this.libp2p)
    }
  }

  health (info: NodeInfo = this.info()): HealthReport {
    const rt = (this.libp2p.services.dht as SingleKadDHT).routingTable?.size ?? 0
    const wanted = this.config.relay.reservations === 'auto' ? 1 : this.config.relay.reservations.length
    return assessHealth({
      addresses: info.addresses.length,
      connections: info.connections,
      bootstrapConfigured: this.config.bootstrap.length,
      bootstrapConnected: this.bootstrap.connected(),
      dhtMode: info.dhtMode,
      routingTable: rt,
      dht: dhtHealth(this.libp2p),
      namePublishedTo: this.config.name != null ? (this.naming.lastPublished?.peersReached ?? 0) : null,
      uptimeSeconds: info.uptimeSeconds,
      relaysWanted: wanted,
      relaysHeld: info.reachability.relays.length,
      pendingTrustRequests: this.trust.pending().length,
      quarantined: this.reputation.list().filter(v => v.state === 'quarantined').length
    })
  }

  status (): StatusSummary {
    const peers = this.peers()
    const info = this.info()
    return {
      peerId: info.peerId,
      name: info.name,
      uptimeSeconds: info.uptimeSeconds,
      peers: { total: peers.length, direct: peers.filter(p => p.direct).length, relayed: peers.filter(p => !p.direct).length },
      trust: countBy(this.trust.list().map(e => e.state)),
      a2a: { callsIn: this.stats.count('a2a.call'), refusedIn: this.stats.count('a2a.refused'), outcomesOut: Object.fromEntries(this.stats.outcomes) },
      gate: { accepted: this.stats.count('gate.accepted'), refused: this.stats.count('gate.refused') },
      guard: (({ rejections, disconnects, banned }) => ({ rejections, disconnects, banned }))(this.trust.guard.stats()),
      reputation: countBy(this.reputation.list().map(v => v.state)),
      recentRefusals: [...this.stats.recentRefusals].reverse(),
      health: this.health(info),
      dht: dhtHealth(this.libp2p)
    }
  }

  peers (): PeerSummary[] {
    const byPeer = new Map<string, Connection[]>()
    for (const conn of this.libp2p.getConnections()) {
      const key = conn.remotePeer.toString()
      byPeer.set(key, [...(byPeer.get(key) ?? []), conn])
    }
    return [...byPeer.entries()].map(([peerId, conns]) => {
      // Report the best connection: a direct one if there is any.
      const best = conns.find(c => !Circuit.matches(c.remoteAddr)) ?? conns[0]
      const relayed = Circuit.matches(best.remoteAddr)
      const names = best.remoteAddr.getComponents().map(c => c.name)
      return {
        peerId,
        addresses: conns.map(c => c.remoteAddr.toString()),
        direct: !relayed,
        transport: relayed ? 'relay' : names.includes('quic-v1') ? 'quic' : names.includes('tcp') ? 'tcp' : 'unknown',
        latencyMs: best.rtt != null ? Math.round(best.rtt * 10) / 10 : null
      }
    })
  }

  /** Turn what a user typed into a PeerId (and maybe an address). Names need the DHT (naming layer). */
  async resolveTarget (text: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedTarget> {
    const target: Target = parseTarget(text)
    switch (target.kind) {
      case 'peerId': return { peerId: target.peerId, text }
      case 'multiaddr':
        // `/p2p/<PeerId>` alone names a peer without saying where it is: look it up like a PeerId.
        if (target.peerId != null && target.addr.getComponents().length === 1) return { peerId: target.peerId, text }
        if (target.peerId == null) throw new InvalidTargetError(text, 'the multiaddr has no /p2p/<PeerId>, so the node could not check who answers')
        return { peerId: target.peerId, addr: target.addr, text }
      case 'name': {
        const resolved = await this.naming.resolve(target.name, options)
        return { peerId: peerIdFromString(resolved.peerId), text }
      }
    }
  }

  /** Resolve a name to a PeerId (pinning it on first use) and the addresses known for it. */
  async resolve (name: string, options: ResolveOptions = {}): Promise<ResolveResult> {
    const target = parseTarget(name)
    if (target.kind !== 'name') throw new InvalidTargetError(name, 'resolve takes a name; PeerIds and multiaddrs need no resolving')
    // The resolve command lists every claimant, so it walks the whole query (targets stop early).
    const resolved = await this.naming.resolve(target.name, { thorough: true, ...options })
    const peerId = peerIdFromString(resolved.peerId)
    let addresses = await this.knownAddresses(peerId)
    if (addresses.length === 0) {
      try {
        addresses = (await findPeer(this.libp2p, peerId, this.config.dht.queryTimeoutMs, options.signal)).multiaddrs.map(a => a.toString())
      } catch {} // the name resolved; an unknown address is not an error here
    }
    return { ...resolved, addresses }
  }

  private async knownAddresses (peerId: PeerId): Promise<string[]> {
    try {
      return (await this.libp2p.peerStore.get(peerId)).addresses.map(a => a.multiaddr.toString())
    } catch {
      return []
    }
  }

  /** Open (or reuse) a connection to a target. */
  async connect (text: string, options: { signal?: AbortSignal } = {}): Promise<ConnectResult> {
    const target = await this.resolveTarget(text, options)
    const conn = await this.dial(target, options)
    return { peerId: conn.remotePeer.toString(), address: conn.remoteAddr.toString(), direct: !Circuit.matches(conn.remoteAddr) }
  }

  /**
   * Connect to a resolved target. An explicit multiaddr is dialled as given. A PeerId is dialled at
   * its known addresses; when there are none, or they fail (the peer moved), its current addresses
   * are looked up in the DHT and dialled once more.
   */
  async dial (target: ResolvedTarget, options: { signal?: AbortSignal } = {}): Promise<Connection> {
    if (target.peerId.equals(this.peerId)) {
      throw new AgentwireError('SELF_TARGET', `${target.text} is this node itself`, 'give the PeerId, name or address of another node (a local agent is reached directly, not through its own node)')
    }
    if (this.reputation.isQuarantined(target.peerId.toString())) {
      const until = this.reputation.quarantineRecord(target.peerId.toString())?.until
      throw new AgentwireError('PEER_QUARANTINED', `${target.text} is quarantined${until != null ? ` until ${new Date(until).toISOString()}` : ''} for misbehaving`,
        `see why with \`agentwire reputation ${target.peerId.toString()}\`; lift it deliberately with \`agentwire reputation unquarantine ${target.peerId.toString()}\``)
    }
    if (target.addr != null) return await this.dialOnce(target, target.addr, options)
    // Only open connections: a relayed one that DCUtR is replacing may still be listed while it closes.
    const existing = this.libp2p.getConnections(target.peerId).filter(c => c.status === 'open')
    if (existing.length > 0) return existing.find(c => !Circuit.matches(c.remoteAddr)) ?? existing[0]
    let firstError: PeerUnreachableError | undefined
    if ((await this.knownAddresses(target.peerId)).length > 0) {
      try {
        return await this.dialOnce(target, target.peerId, options)
      } catch (err: any) {
        firstError = err
      }
    }
    await findPeer(this.libp2p, target.peerId, this.config.dht.queryTimeoutMs, options.signal)
    try {
      return await this.dialOnce(target, target.peerId, options)
    } catch (err: any) {
      throw new PeerUnreachableError(target.text, `${firstError != null ? `known addresses failed (${firstError.message}); ` : ''}addresses from the DHT failed too (${err.message})`)
    }
  }

  private async dialOnce (target: ResolvedTarget, to: PeerId | Multiaddr, options: { signal?: AbortSignal }): Promise<Connection> {
    const signal = anySignal(options.signal, this.config.limits.dialTimeoutMs)
    try {
      return await this.libp2p.dial(to, { signal })
    } catch (err: any) {
      const reason = signal.aborted ? `no connection within ${this.config.limits.dialTimeoutMs} ms` : (err.message ?? String(err))
      throw new PeerUnreachableError(target.text, reason)
    }
  }

  async ping (text: string, options: { signal?: AbortSignal } = {}): Promise<PingResult> {
    const target = await this.resolveTarget(text, options)
    let lastError: Error | undefined
    // Two tries: DCUtR closes the relayed connection the moment the direct one exists, which can
    // cut a ping in flight; the second try runs on whichever connection is there now.
    for (let attempt = 0; attempt < 2; attempt++) {
      const conn = await this.dial(target, options)
      // Each try has its own deadline, starting after the dial (which may have spent its time on a
      // DHT lookup); half the dial timeout, so a ping stuck on a connection being swapped out leaves
      // time for the second try.
      const signal = anySignal(options.signal, Math.ceil(this.config.limits.dialTimeoutMs / 2))
      try {
        const rtt = await this.libp2p.services.ping.ping(conn.remotePeer, { signal })
        return { peerId: conn.remotePeer.toString(), rttMs: Math.round(rtt * 100) / 100 }
      } catch (err: any) {
        lastError = err
        // The caller gave up: stop. Otherwise the connection may have been swapped under the ping
        // (the relayed one closing as the direct one opens): try once more.
        if (options.signal?.aborted === true) break
      }
    }
    throw new PeerUnreachableError(text, `connected, but ping failed: ${lastError?.message}`)
  }

  async disconnect (text: string): Promise<{ peerId: string, closed: number }> {
    const target = await this.resolveTarget(text)
    const conns = this.libp2p.getConnections(target.peerId)
    if (conns.length === 0) throw new NotConnectedError(text)
    await this.libp2p.hangUp(target.peerId)
    return { peerId: target.peerId.toString(), closed: conns.length }
  }
}

function countBy (values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return counts
}

function anySignal (signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal == null ? timeout : AbortSignal.any([signal, timeout])
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
    // One registry per node, so several nodes in one process (tests, embedding) never clash.
    const registry = new Registry()
    // The stack is built before the reputation service that scores its peers: bind it late.
    let reputation: ReputationService | undefined
    const claims = new ClaimStore(datastore, { log: log.child({ component: 'name-store' }) })
    const libp2p = await createStack({
      config: validated,
      privateKey,
      // Name records merge per claimant instead of replacing each other (see naming/claim-store.ts).
      datastore: claims.datastore,
      ...(validated.metrics.listen != null ? { metrics: prometheusMetrics({ registry, preserveExistingMetrics: true }) } : {}),
      gossipScore: { appSpecificScore: peer => reputation?.gossipScore(peer) ?? 0, topics: { [TRUST_TOPIC]: trustTopicScoreParams() } },
      // A quarantined peer cannot even connect: refused before any protocol runs.
      refusePeer: peer => reputation?.isQuarantined(peer) ?? false,
      // Every node validates name records, or a DHT server would refuse (or worse, keep) bad ones.
      dhtValidators: { [NAME_NAMESPACE]: validateNameRecord },
      dhtSelectors: { [NAME_NAMESPACE]: selectNameRecord }
    })
    return new AgentNode({ config: validated, privateKey, libp2p, datastore, log, audit, options, registry, bindReputation: r => { reputation = r }, claims })
  } catch (err) {
    await audit?.close()
    await closeDatastore(validated.dataDir, datastore)
    throw err
  }
}

// What the node reports about itself: `info`, `health`, `status` and `peers` (the CLI commands of
// those names, the control API and library users share these), and the join state `ready()` waits
// on. Read-only: it looks at the services, it never changes them.
import type { Connection, Startable } from '@libp2p/interface'
import { Circuit } from '@multiformats/multiaddr-matcher'
import type { AgentwireConfig } from '../config/index.ts'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { JoinState } from '../node/network-ready.ts'
import type { Reachability } from '../node/reachability.ts'
import { dhtHealth, type DhtHealth } from '../node/dht-health.ts'
import { kadTablePeers } from '../node/libp2p-internals.ts'
import { assessHealth, type HealthReport, type NodeStats, type Refusal } from '../metrics/index.ts'
import type { TrustService } from '../trust/index.ts'
import type { ReputationService } from '../reputation/index.ts'
import type { NameService } from '../naming/index.ts'
import type { A2AService } from '../a2a/index.ts'
import { VERSION } from '../version.ts'

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

export interface NodeStatusComponents {
  config: AgentwireConfig
  libp2p: AgentLibp2p
  bootstrap: { configured: () => number, connected: () => number }
  naming: Pick<NameService, 'lastPublished'>
  trust: Pick<TrustService, 'list' | 'pending' | 'guard'>
  reputation: Pick<ReputationService, 'list'>
  a2a: Pick<A2AService, 'gatewayUrl' | 'gatewayPeers'>
  stats: NodeStats
  /** The Prometheus endpoint, once it serves. */
  metricsUrl: () => string | undefined
}

/** Startable only to note when the node went online (for uptime). */
export class NodeStatus implements Startable {
  private readonly c: NodeStatusComponents
  private startedAt = 0

  constructor (components: NodeStatusComponents) {
    this.c = components
  }

  start (): void {
    this.startedAt = Date.now()
  }

  stop (): void {}

  /** Full multiaddrs ending in /p2p/<PeerId>, as others should dial them. */
  addresses (): string[] {
    return this.c.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  /** What `ready()` waits on. */
  joinState (): JoinState {
    return {
      bootstrapConfigured: this.c.bootstrap.configured(),
      bootstrapConnected: this.c.bootstrap.connected(),
      routingTable: kadTablePeers(this.c.libp2p.services.dht),
      name: this.c.config.name ?? null,
      namePublishedTo: this.c.naming.lastPublished?.peersReached ?? 0
    }
  }

  info (): NodeInfo {
    const { config, libp2p, a2a } = this.c
    return {
      peerId: libp2p.peerId.toString(),
      name: config.name ?? null,
      addresses: this.addresses(),
      connections: libp2p.getConnections().length,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: VERSION,
      dataDir: config.dataDir,
      dhtMode: libp2p.services.dht.getMode(),
      gateway: a2a.gatewayUrl ?? null,
      gatewayPeers: a2a.gatewayPeers,
      metrics: this.c.metricsUrl() ?? null,
      reachability: libp2p.services.reachability.reachability()
    }
  }

  health (info: NodeInfo = this.info()): HealthReport {
    const { config } = this.c
    const rt = kadTablePeers(this.c.libp2p.services.dht)
    const wanted = config.relay.reservations === 'auto' ? 1 : config.relay.reservations.length
    return assessHealth({
      addresses: info.addresses.length,
      connections: info.connections,
      bootstrapConfigured: config.bootstrap.length,
      bootstrapConnected: this.c.bootstrap.connected(),
      dhtMode: info.dhtMode,
      routingTable: rt,
      dht: dhtHealth(this.c.libp2p),
      namePublishedTo: config.name != null ? (this.c.naming.lastPublished?.peersReached ?? 0) : null,
      uptimeSeconds: info.uptimeSeconds,
      relaysWanted: wanted,
      relaysHeld: info.reachability.relays.length,
      pendingTrustRequests: this.c.trust.pending().length,
      quarantined: this.c.reputation.list().filter(v => v.state === 'quarantined').length
    })
  }

  status (): StatusSummary {
    const { stats } = this.c
    const peers = this.peers()
    const info = this.info()
    return {
      peerId: info.peerId,
      name: info.name,
      uptimeSeconds: info.uptimeSeconds,
      peers: { total: peers.length, direct: peers.filter(p => p.direct).length, relayed: peers.filter(p => !p.direct).length },
      trust: countBy(this.c.trust.list().map(e => e.state)),
      a2a: { callsIn: stats.count('a2a.call'), refusedIn: stats.count('a2a.refused'), outcomesOut: Object.fromEntries(stats.outcomes) },
      gate: { accepted: stats.count('gate.accepted'), refused: stats.count('gate.refused') },
      guard: (({ rejections, disconnects, banned }) => ({ rejections, disconnects, banned }))(this.c.trust.guard.stats()),
      reputation: countBy(this.c.reputation.list().map(v => v.state)),
      recentRefusals: [...stats.recentRefusals].reverse(),
      health: this.health(info),
      dht: dhtHealth(this.c.libp2p)
    }
  }

  peers (): PeerSummary[] {
    const byPeer = new Map<string, Connection[]>()
    for (const conn of this.c.libp2p.getConnections()) {
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
}

export function countBy (values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return counts
}

// Prometheus metrics: libp2p's own (connections, streams, DHT, gossipsub…) and agentwire's, from one
// registry per node, served at http://HOST:PORT/metrics when `metrics.listen` is set.
import type { Server } from 'node:http'
import { Gauge, Registry } from 'prom-client'
import type { NodeStats } from './node-stats.ts'
import { closeHttp, createLimitedServer, listenHttp } from '../node/http-listener.ts'

/** Most connections open at once on the metrics listener: scrapers are few. */
const METRICS_MAX_CONNECTIONS = 16

export interface MetricsSources {
  stats: NodeStats
  /** Connections right now, split by direct/relayed. */
  connections: () => { direct: number, relayed: number }
  /** Peers by trust state. */
  trustStates: () => Record<string, number>
  /** Peers by reputation state, when reputation runs. */
  reputationStates?: () => Record<string, number>
  /** The peer guard's counters: streams refused by reason (rates, caps, bans), disconnects, pending work. */
  guard?: () => { rejections: Record<string, number>, disconnects: number, pending: number, banned: number }
}

/** Register agentwire's metrics; their values are read from `sources` at each scrape. */
export function registerAgentMetrics (registry: Registry, sources: MetricsSources): void {
  const fromMap = (name: string, help: string, label: string, read: () => Map<string, number> | Record<string, number>): void => {
    // Gauges that read a running total at scrape time: Prometheus treats `_total` series as counters.
    new Gauge({ // eslint-disable-line no-new -- registered with the registry on construction
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect () {
        this.reset()
        const values = read()
        for (const [key, value] of values instanceof Map ? values : Object.entries(values)) this.set({ [label]: key }, value)
      }
    })
  }
  const { stats } = sources
  fromMap('agentwire_a2a_calls_total', 'A2A calls received, by result (accepted or refused)', 'result', () => ({ accepted: stats.count('a2a.call'), refused: stats.count('a2a.refused') }))
  fromMap('agentwire_a2a_outcomes_total', 'Outcomes of this node\'s own A2A calls', 'outcome', () => stats.outcomes)
  fromMap('agentwire_gate_total', 'Trust gate decisions', 'decision', () => ({ accepted: stats.count('gate.accepted'), refused: stats.count('gate.refused') }))
  fromMap('agentwire_handshakes_total', 'Handshake messages, by audit event', 'event', () => new Map([...stats.events].filter(([k]) => k.startsWith('handshake.') || k.startsWith('trust.'))))
  fromMap('agentwire_rejections_total', 'Refused inbound messages by reason code', 'reason', () => stats.rejections)
  fromMap('agentwire_connections', 'Open connections, direct or relayed', 'path', sources.connections)
  fromMap('agentwire_trust_peers', 'Peers by trust state', 'state', sources.trustStates)
  fromMap('agentwire_guard_refusals_total', 'Streams refused by the peer guard, by reason (rates, in-progress caps, bans)', 'reason', () => sources.guard?.().rejections ?? {})
  fromMap('agentwire_guard', 'Peer guard: disconnects so far, banned peers and streams in progress now', 'what', (): Record<string, number> => {
    const g = sources.guard?.()
    return g == null ? {} : { disconnects: g.disconnects, banned: g.banned, pending: g.pending }
  })
  fromMap('agentwire_reputation_peers', 'Peers by reputation state (quarantined included)', 'state', () => sources.reputationStates?.() ?? {})
}

export interface MetricsServer { url: string, close: () => Promise<void> }

export async function startMetricsServer (listen: string, registry: Registry): Promise<MetricsServer> {
  // Head and request deadlines and a connection cap: an exposed metrics port is a socket-hoarding target.
  const server: Server = createLimitedServer((req, res) => {
    if (req.url !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at GET /metrics\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType }).end(text)
    }, (err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err))
    })
  }, { maxConnections: METRICS_MAX_CONNECTIONS })
  const base = await listenHttp(server, listen)
  return { url: `${base}/metrics`, close: async () => { await closeHttp(server) } }
}

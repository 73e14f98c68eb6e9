// `agentwire health`: a verdict a monitor can act on. Exit 0 = healthy, 1 = degraded (working, but
// something needs a look), 2 = unhealthy (not doing its job, or not running at all).

export type HealthLevel = 'ok' | 'degraded' | 'unhealthy'

export interface HealthCheck { name: string, level: HealthLevel, detail: string }

export interface HealthReport { status: HealthLevel, exitCode: 0 | 1 | 2, checks: HealthCheck[] }

export interface HealthInputs {
  addresses: number
  connections: number
  bootstrapConfigured: number
  bootstrapConnected: number
  dhtMode: 'server' | 'client'
  routingTable: number
  /** The routing table's verdict (src/node/dht-health.ts); without it only an empty table counts. */
  dht?: { state: 'empty' | 'sparse' | 'ok', detail: string }
  /** null when the node has no name. */
  namePublishedTo: number | null
  uptimeSeconds: number
  /** Relay reservations wanted (0 when the node is not behind a relay) and held. */
  relaysWanted: number
  relaysHeld: number
  pendingTrustRequests: number
  quarantined: number
}

/** Grace period after start before "no peers yet" counts against health, in seconds. */
const STARTUP_GRACE_S = 30

export function assessHealth (h: HealthInputs): HealthReport {
  const checks: HealthCheck[] = []
  const add = (name: string, level: HealthLevel, detail: string): void => { checks.push({ name, level, detail }) }
  const settled = h.uptimeSeconds >= STARTUP_GRACE_S
  const late: HealthLevel = settled ? 'degraded' : 'ok'

  add('listening', h.addresses > 0 ? 'ok' : 'unhealthy', h.addresses > 0 ? `${h.addresses} address(es)` : 'no listen address: nobody can dial this node (check `listen` and `announce`)')
  if (h.bootstrapConfigured > 0) {
    add('bootstrap', h.bootstrapConnected > 0 ? 'ok' : late, `${h.bootstrapConnected}/${h.bootstrapConfigured} bootstrap peers connected${h.bootstrapConnected === 0 ? ' (retrying with backoff; check that they run and are reachable)' : ''}`)
  }
  add('peers', h.connections > 0 ? 'ok' : (h.bootstrapConfigured > 0 ? late : 'ok'), `${h.connections} connection(s)`)
  if (h.dht != null) {
    // A sparse table (far smaller than the peers we are connected to) still routes, badly: degraded once settled.
    add('dht', h.dht.state === 'ok' ? 'ok' : h.dht.state === 'sparse' ? late : (h.bootstrapConfigured > 0 ? late : 'ok'), h.dht.detail)
  } else {
    add('dht', h.routingTable > 0 ? 'ok' : (h.bootstrapConfigured > 0 ? late : 'ok'), `${h.dhtMode} mode, ${h.routingTable} peer(s) in the routing table${h.routingTable === 0 ? ' (names and PeerId lookups cannot work yet)' : ''}`)
  }
  if (h.namePublishedTo != null) {
    add('name', h.namePublishedTo > 0 ? 'ok' : late, h.namePublishedTo > 0 ? `published to ${h.namePublishedTo} DHT peer(s)` : 'name not published to any DHT peer yet')
  }
  if (h.relaysWanted > 0) {
    add('relay', h.relaysHeld > 0 ? 'ok' : late, `${h.relaysHeld} relay reservation(s) held${h.relaysHeld === 0 ? ': this NATed node is unreachable until one is made' : ''}`)
  }
  if (h.pendingTrustRequests > 0) add('trust', 'ok', `${h.pendingTrustRequests} request(s) waiting: agentwire trust pending`)
  if (h.quarantined > 0) add('reputation', 'ok', `${h.quarantined} peer(s) quarantined`)

  const status: HealthLevel = checks.some(c => c.level === 'unhealthy') ? 'unhealthy' : checks.some(c => c.level === 'degraded') ? 'degraded' : 'ok'
  return { status, exitCode: status === 'ok' ? 0 : status === 'degraded' ? 1 : 2, checks }
}

// Assemble the libp2p stack from a validated config. Which services run, and with what limits, is
// decided here and nowhere else, so a reader can see the whole network layer in one file.
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type SingleKadDHT } from '@libp2p/kad-dht'
import { gossipsub, type GossipsubOpts } from '@libp2p/gossipsub'
import { autoNAT } from '@libp2p/autonat'
import { dcutr } from '@libp2p/dcutr'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { bootstrap } from '@libp2p/bootstrap'
import { relayKeeper, reachabilityProbe, type ReachabilityProbe } from './reachability.ts'
import { singleKadDHT, withComponentMethod } from './libp2p-internals.ts'
import { DhtKeeper } from './dht-keeper.ts'
import { fastMessageId } from './gossip.ts'
import { KeepAlive } from './keep-alive.ts'
import { withPeerCache } from './peer-cache.ts'
import { InboundSlots } from '../guard/inbound-slots.ts'
import { InboundRate } from '../guard/inbound-rate.ts'
import { gentleSwap, natParts, noRelayedKeepAlive, refreshByReplacing, withoutWebRTC } from './nat-traversal.ts'
import { isMultiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import type { PrivateKey, ComponentLogger } from '@libp2p/interface'
import type { AgentwireConfig } from '../config/index.ts'
import { AGENT_VERSION_PREFIX, DHT_PROTOCOL, PROTOCOL_PREFIX } from './constants.ts'
import { VERSION } from '../version.ts'
import type { Validators, Selectors } from '@libp2p/kad-dht'

export interface StackInit {
  config: AgentwireConfig
  privateKey: PrivateKey
  datastore: Datastore
  logger?: ComponentLogger
  /** GossipSub's application-specific score (the reputation layer) and per-topic score params. */
  gossipScore?: { appSpecificScore: (peerId: string) => number, topics: Record<string, Partial<TopicScoreParams>> }
  /** Connections refused before any protocol runs (quarantined peers). */
  refusePeer?: (peerId: string) => boolean
  /** libp2p's metrics implementation (Prometheus), when `metrics.listen` is set. */
  metrics?: Libp2pOptions['metrics']
  /** DHT record validators and selectors every node registers (the naming layer supplies these). */
  dhtValidators?: Validators
  dhtSelectors?: Selectors
}

/** GossipSub's per-topic score parameters (its package does not export the type by name). */
type TopicScoreParams = NonNullable<GossipsubOpts['scoreParams']['topics']>[string]

export type AgentLibp2p = Libp2p<{
  identify: ReturnType<ReturnType<typeof identify>>
  identifyPush: ReturnType<ReturnType<typeof identifyPush>>
  ping: ReturnType<ReturnType<typeof ping>>
  dht: SingleKadDHT
  pubsub: ReturnType<ReturnType<typeof gossipsub>>
  autonat: unknown
  dcutr: unknown
  relay?: unknown
  relayKeeper?: unknown
  /** AutoNAT's verdict and our relays, for `info` (see reachability.ts). */
  reachability: ReachabilityProbe
  /** Keep-alive pings, one side per connection (see keep-alive.ts). */
  keepAlive: KeepAlive
}>

/**
 * @libp2p/autonat 3.0.28's server dials the asking peer back without `force`, so libp2p hands it the
 * connection the question came in on; the address check then fails ("Unexpected remote address")
 * and the server closes that connection. Every node with a public address was cut off by every
 * AutoNAT server it met (seen in the NAT lab). Forcing a fresh dial-back makes the check real.
 */
function withFreshDialBack<C extends { connectionManager: unknown }, S> (factory: (components: C) => S): (components: C) => S {
  // Only dial-backs pass a Multiaddr; other dials (to a PeerId) may reuse connections.
  return withComponentMethod(factory, 'connectionManager', 'openConnection', original =>
    (peer: unknown, options: Record<string, unknown> = {}) => original(peer, isMultiaddr(peer) ? { ...options, force: true } : options))
}

// Requests in flight per lookup path, and paths per lookup: 10 requests in flight per walk, as
// go-libp2p's kad-dht (alpha 10, one path). kad-dht 16's default, 10 x 10, sends all 20 closest peers
// their request at once: on a busy host one stall longer than the 5 s request timeout then fails
// every request of the walk together (Node fires expired timers before it reads the answers), and
// the 20 answers' work feeds the next stall. At 40 nodes in one process, same run, load 12-14: single
// walks found 10 of 60 with 10 x 10 (event-loop stalls up to 28 s), 44 of 60 with 5 x 2 (stalls
// up to 4 s); 3 x 3 (d21) slowed a forming network's first publish (issue 21 notes d21, dht3).
const DHT_ALPHA = 5
const DHT_DISJOINT_PATHS = 2

// How long after start the bootstrap peers are dialled, in ms.
const BOOTSTRAP_DELAY_MS = 500

/** True when the node asks a relay for a slot: it expects to sit behind a NAT or firewall. */
export function wantsRelay (config: AgentwireConfig): boolean {
  return config.relay.reservations === 'auto' || config.relay.reservations.length > 0
}

/** True when the config asks for (or `auto` implies) a DHT server. */
export function dhtServes (config: AgentwireConfig): boolean {
  // A node that needs a relay cannot be dialled directly, so it would only slow other nodes'
  // lookups down as a server; it stays a client (and is still found by PeerId through the relay,
  // which knows its /p2p-circuit addresses).
  if (config.dht.mode === 'auto') return config.listen.length > 0 && !wantsRelay(config)
  return config.dht.mode === 'server'
}

export async function createStack (init: StackInit): Promise<AgentLibp2p> {
  const { config } = init
  const nat = await natParts(config)
  // Instead of libp2p's connection monitor, which pings every connection from both ends (keep-alive.ts).
  const keepAlive = new KeepAlive({ intervalMs: config.keepAlive.intervalMs, timeoutMs: config.keepAlive.timeoutMs, bothSides: config.keepAlive.bothSides })
  const services = {
    identify: identify({ protocolPrefix: PROTOCOL_PREFIX }),
    identifyPush: identifyPush({ protocolPrefix: PROTOCOL_PREFIX }),
    // The connection monitor pings every connection too, so a user's ping needs room beside it.
    ping: keepAlive.observe(ping({ protocolPrefix: PROTOCOL_PREFIX, maxInboundStreams: 4, maxOutboundStreams: 4 })),
    // noRelayedKeepAlive: see nat-traversal.ts (relayed peers were redialled on every hang-up).
    dht: singleKadDHT(noRelayedKeepAlive(kadDHT({
      protocol: DHT_PROTOCOL,
      logPrefix: 'agentwire:dht',
      datastorePrefix: '/agentwire-dht',
      metricsPrefix: 'agentwire_dht',
      // On a private fleet or 127.0.0.1 nobody is "publicly reachable", so libp2p would never choose
      // server mode by itself; we decide from the config instead.
      clientMode: !dhtServes(config),
      peerInfoMapper: config.dht.allowPrivateAddresses ? passthroughMapper : removePrivateAddressesMapper,
      validators: init.dhtValidators ?? {},
      selectors: init.dhtSelectors ?? {},
      // Stated, not inherited: each lookup walks DHT_DISJOINT_PATHS paths with DHT_ALPHA requests in
      // flight on each, so a slow or gone peer holds up one request of many, never the lookup.
      alpha: DHT_ALPHA,
      disjointPaths: DHT_DISJOINT_PATHS
    }))),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      // Copies of a message already seen are dropped before their signature is checked (see gossip.ts).
      fastMsgIdFn: fastMessageId,
      // Many nodes share one host in tests and small fleets; co-location must not be penalised.
      scoreParams: {
        IPColocationFactorWeight: 0,
        // Reputation feeds the mesh: a quarantined peer scores below the graylist threshold.
        appSpecificScore: (peerId: string) => init.gossipScore?.appSpecificScore(peerId) ?? 0,
        // Partial on purpose: GossipSub fills each topic's missing parameters with its defaults.
        topics: (init.gossipScore?.topics ?? {}) as Record<string, TopicScoreParams>
      }
    }),
    autonat: withFreshDialBack(autoNAT({ protocolPrefix: PROTOCOL_PREFIX })),
    dcutr: gentleSwap(config.nat.webrtc ? withoutWebRTC(dcutr()) : dcutr()),
    reachability: reachabilityProbe(),
    keepAlive: keepAlive.service(),
    ...nat.services,
    ...(config.relay.server
      ? {
          relay: refreshByReplacing(circuitRelayServer({
            reservations: {
              maxReservations: config.relay.maxReservations,
              applyDefaultLimit: config.relay.applyLimits,
              defaultDurationLimit: config.relay.circuitDurationMs,
              defaultDataLimit: BigInt(config.relay.circuitDataBytes),
              reservationTtl: config.relay.reservationTtlMs
            }
          }))
        }
      : {}),
    // libp2p refreshes reservations by itself but never re-makes one on a configured relay that
    // restarted; the keeper does (see reachability.ts). `auto` is libp2p's own relay discovery,
    // which searches again whenever it loses a relay.
    ...(Array.isArray(config.relay.reservations) && config.relay.reservations.length > 0
      ? { relayKeeper: relayKeeper({ relays: config.relay.reservations }) }
      : {})
  }
  const peerDiscovery = config.bootstrap.length > 0
    // Not 0: libp2p starts its components together, and a bootstrap dial fired before the
    // connection manager is up was sometimes lost, leaving the node alone (seen in the NAT lab).
    ? [bootstrap({ list: config.bootstrap, timeout: BOOTSTRAP_DELAY_MS })]
    : []

  // Silent sockets from a few hosts must not hold every upgrade slot: each address gets a share.
  const inboundSlots = new InboundSlots({ maxPerAddress: config.limits.maxIncomingPendingPerAddress })
  // Per host and second, but a relayed connection counts for its peer, not the relay (see inbound-rate.ts).
  const inboundRate = new InboundRate({ perSecond: config.limits.inboundConnectionsPerHostPerSecond })
  const node = await createLibp2p({
    privateKey: init.privateKey,
    nodeInfo: { name: 'agentwire', version: VERSION, userAgent: `${AGENT_VERSION_PREFIX}${VERSION}` },
    // Peer records are read on every stream; keep the recent ones in memory (see peer-cache.ts).
    datastore: withPeerCache(init.datastore),
    ...(init.logger != null ? { logger: init.logger } : {}),
    ...(init.metrics != null ? { metrics: init.metrics } : {}),
    addresses: {
      // `/p2p-circuit` alone asks libp2p to find a relay itself; configured relays are the keeper's.
      listen: [...config.listen, ...(config.relay.reservations === 'auto' ? ['/p2p-circuit'] : []), ...nat.listen],
      announce: config.announce
    },
    transports: [
      ...(config.transports.includes('tcp') ? [tcp()] : []),
      // QUIC is a native module; it is loaded only when asked for, so a TCP-only node never needs it.
      ...(config.transports.includes('quic') ? [(await import('@chainsafe/libp2p-quic')).quic()] : []),
      circuitRelayTransport(),
      // WebRTC needs the relay transport (its SDP goes over a relayed connection) and identify.
      ...nat.transports
    ],
    connectionEncrypters: [noise()],
    // yamux 8 as patched in patches/ (window granted only for data read, capped at the 4 MiB read
    // buffer): unpatched, a stream nobody read yet was reset past 4 MiB (docs/benchmarks.md).
    // yamux's own keep-alive ping (every 30 s) duplicates the connection monitor's: one is enough.
    streamMuxers: [yamux({ enableKeepAlive: false })],
    peerDiscovery,
    // Keep-alive pings use our prefix, so they reach agentwire peers (and measure rtt for `peers`).
    // libp2p pinged every connection every 10 s and aborted it when one ping took over 5 s: on a busy
    // host (a laptop compiling, a 2-core box running 100 nodes) that tore down healthy connections
    // by the hundred (traced: 395 aborts in 30 s among 20 nodes), and the DHT peers with them; a ping
    // queued behind a bulk transfer took up to 1.3 s. (`keepAlive.intervalMs` and
    // `keepAlive.timeoutMs`, 30 s and 15 s by default.) Our keeper (keep-alive.ts) pings instead.
    connectionMonitor: { enabled: false },
    connectionManager: {
      maxConnections: config.limits.maxConnections,
      maxIncomingPendingConnections: config.limits.maxIncomingPendingConnections,
      maxParallelDials: config.limits.maxParallelDials,
      dialTimeout: config.limits.dialTimeoutMs,
      // Applied by the gater instead (inboundRate): libp2p counts every relayed peer as the relay's IP.
      inboundConnectionThreshold: Number.MAX_SAFE_INTEGER,
      // libp2p's 10 s let a silent socket hold its slot ten times longer than any honest upgrade needs.
      inboundUpgradeTimeout: config.limits.inboundUpgradeTimeoutMs
    },
    services,
    connectionGater: {
      denyDialPeer: (peerId) => init.refusePeer?.(peerId.toString()) ?? false,
      denyInboundConnection: (maConn) => !inboundRate.take(maConn) || !inboundSlots.take(maConn),
      denyInboundEncryptedConnection: (peerId) => init.refusePeer?.(peerId.toString()) ?? false,
      denyInboundUpgradedConnection: (_peerId, maConn) => { inboundSlots.release(maConn); return false }
    },
    start: false
  })
  // kad-dht fills its routing table slowly while a network forms and drops peers whose first ping
  // timed out; the keeper repairs both (see dht-keeper.ts).
  const keeper = new DhtKeeper(node, { log: node.logger.forComponent('agentwire:dht:keeper') })
  node.addEventListener('start', () => { keeper.start() })
  node.addEventListener('stop', () => { keeper.stop() })
  return node
}

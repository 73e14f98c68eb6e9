// The config file's shape, defaults and documentation in one place. Every object is strict so a
// misspelled key is refused before anything starts; README.md's config table mirrors this file.
import { z } from 'zod'
import { multiaddr } from '@multiformats/multiaddr'
import { reputationSchema } from './reputation-schema.ts'
import { BAN_MS, MAX_PENDING_STREAMS, MAX_STREAMS_PER_PEER, STREAM_BURST, STREAMS_PER_SECOND, STRIKE_THRESHOLD } from '../guard/constants.ts'

const multiaddrString = z.string().superRefine((value, ctx) => {
  try {
    multiaddr(value)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid multiaddr: "${value}" (${(err as Error).message}); expected something like /ip4/127.0.0.1/tcp/4001` })
  }
})

/** A PeerId as text: an Ed25519 one (12D3KooW…, what agentwire makes) or an older RSA-style Qm… one. */
const PEER_ID_TEXT = /^(12D3KooW[1-9A-HJ-NP-Za-km-z]{44}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/

const peerMultiaddr = multiaddrString.superRefine((value, ctx) => {
  const at = value.lastIndexOf('/p2p/')
  if (at < 0) {
    ctx.addIssue({ code: 'custom', message: 'must end in /p2p/<PeerId> so the node can check who answers, e.g. /ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…' })
    return
  }
  // A placeholder (12D3KooW…A) or a truncated copy is caught here, not as "Incorrect length" at start.
  const peerId = value.slice(at + '/p2p/'.length).split('/')[0]
  if (!PEER_ID_TEXT.test(peerId)) {
    ctx.addIssue({ code: 'custom', message: `"${peerId}" after /p2p/ is not a PeerId (52 characters starting 12D3KooW); copy the whole address from the peer's ready line or \`agentwire info\` on it` })
  }
})

const peerIdString = z.string().regex(/^(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]{40,60}$/, 'must be a PeerId such as 12D3KooW… (see `agentwire info`)')

/** Human names: lower-case DNS-label-like, so they are safe in DHT keys, URLs and shell commands. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be HOST:PORT, e.g. 127.0.0.1:8080')

export const relaySchema = z.strictObject({
  /** Offer circuit relay v2 reservations to other nodes. @default false */
  server: z.boolean().default(false),
  /** Relays to reserve a slot on: multiaddrs with /p2p/, or "auto" to use relays found via bootstrap/DHT. @default [] */
  reservations: z.union([z.literal('auto'), z.array(peerMultiaddr)]).default([]),
  /** Most reservations this relay holds at once. @default 128 */
  maxReservations: z.number().int().positive().default(128),
  /** Apply per-circuit data and duration limits (turn off on a private fleet's own relays). @default true */
  applyLimits: z.boolean().default(true),
  /** Longest a relayed circuit may stay open, in ms. @default 120000 */
  circuitDurationMs: z.number().int().positive().default(120_000),
  /** Most bytes a relayed circuit may carry in each direction. @default 16777216 (16 MiB) */
  circuitDataBytes: z.number().int().positive().default(16 * 1024 * 1024),
  /** How long a reservation this relay grants lasts, in ms; clients renew it 5 minutes before it ends (at least 30 s after they made it), so keep it above 45 s. @default 7200000 (2 h) */
  reservationTtlMs: z.number().int().min(45_000, 'must be at least 45000: clients renew no sooner than 30 s after reserving').default(2 * 60 * 60 * 1000)
})

/** NAT traversal beyond relay + DCUtR: WebRTC (ICE) hole punching between two NATed nodes, UPnP IGD port mapping. */
export const natSchema = z.strictObject({
  /** Dial and accept WebRTC (ICE) connections, signalled over the relay, so two NATed nodes can go direct. Loads a native module. @default false */
  webrtc: z.boolean().default(false),
  /** STUN servers ICE uses to learn the public address, e.g. "stun:stun.example.net:3478". Only these are used: [] means none (LAN only), never a public fallback. @default [] */
  stun: z.array(z.string().regex(/^stuns?:[^\s:/?#]+(:\d{1,5})?$/, 'must be a STUN URL such as stun:stun.example.net:3478')).default([]),
  /** Ask the home router (UPnP IGD / NAT-PMP) to forward the listen ports, so others can dial this node without a relay. @default false */
  upnp: z.boolean().default(false)
})

/** Transports besides circuit relay (always on). QUIC runs over UDP, needs a /udp/<port>/quic-v1 listen address, and loads a native module. */
export const transportsSchema = z.array(z.enum(['tcp', 'quic'])).min(1, 'needs at least one of "tcp", "quic"').default(['tcp'])

export const dhtSchema = z.strictObject({
  /** server: answer DHT queries; client: only ask; auto: server when the node listens on any address. @default "auto" */
  mode: z.enum(['auto', 'server', 'client']).default('auto'),
  /** Keep private and loopback addresses in DHT records (a fleet in one VPC, a test net on 127.0.0.1). Set false on the public internet. @default true */
  allowPrivateAddresses: z.boolean().default(true),
  /** Longest a single DHT lookup (name or PeerId) may take, in ms. @default 10000 */
  queryTimeoutMs: z.number().int().positive().default(10_000)
})

/** What an idle node spends keeping its connections alive: a ping per connection per interval (both sides). */
export const keepAliveSchema = z.strictObject({
  /** How often each connection is pinged (liveness, and the rtt in `peers`), in ms. @default 30000 */
  intervalMs: z.number().int().min(1_000).default(30_000),
  /** A ping slower than this closes the connection, in ms. @default 15000 */
  timeoutMs: z.number().int().min(1_000).default(15_000),
  /** Ping a connection every interval even when the peer already pings it (libp2p's way: twice the pings). @default false */
  bothSides: z.boolean().default(false)
})

export const namingSchema = z.strictObject({
  /** Check names with a dot (research.example.com) against the DNS TXT record `_agentwire.<name>`; a valid proof beats every DHT claim. @default true */
  verifyDomains: z.boolean().default(true),
  /** DNS servers for those checks, "IP" or "IP:PORT" (a private fleet's or a test's own); [] uses the system's. @default [] */
  dnsServers: z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9a-fA-F:]+)$/, 'must be an IP address, optionally with :PORT, e.g. 127.0.0.1:5353')).default([]),
  /** Longest one DNS proof query may take, in ms. @default 5000 */
  dnsTimeoutMs: z.number().int().positive().default(5000)
})

export const trustSchema = z.strictObject({
  /** Who may use application protocols: mutual (approved both ways), reputation, or open (anyone). @default "mutual" */
  policy: z.enum(['mutual', 'reputation', 'open']).default('mutual'),
  /** PeerIds approved without asking, e.g. a fleet's own nodes. @default [] */
  autoApprove: z.array(peerIdString).default([]),
  // What a stranger can make this node keep, and how long (docs/security.md).
  /** How long a trust request waits for the operator before it is dropped, in ms. @default 604800000 (7 days) */
  pendingTtlMs: z.number().int().min(1000).default(7 * 24 * 60 * 60 * 1000),
  /** Most trust requests waiting from one address (an IP, or one relay for relayed peers). @default 5 */
  maxPendingPerAddress: z.number().int().positive().max(100).default(5),
  /** How far a handshake message's timestamp may be from this node's clock, in ms. @default 300000 */
  clockWindowMs: z.number().int().min(1000).default(5 * 60 * 1000),
  /** Refused streams and handshakes are audited as one line per peer per this interval, with a count, in ms. @default 60000 */
  refusalSummaryMs: z.number().int().min(100).default(60_000),
  /** How often this node's signed audit head is sent to connected trusted peers, who keep it as a witness, in ms; 0: never. @default 300000 */
  witnessIntervalMs: z.number().int().nonnegative().default(5 * 60 * 1000)
})

export const a2aSchema = z.strictObject({
  /** Base URL of the local A2A agent (HTTP JSON-RPC) that inbound calls are forwarded to. @default null */
  upstream: z.url().nullable().default(null),
  gateway: z.strictObject({
    /** HOST:PORT for the local A2A HTTP gateway (/peers/<peer>/); null turns it off. @default null */
    listen: hostPort.nullable().default(null),
    /** Remote agents given a HOST:PORT of their own, card at /.well-known/agent-card.json and JSON-RPC at "/", like a plain A2A HTTP agent: { <name or PeerId>: HOST:PORT }. @default {} */
    peers: z.record(z.string().regex(/^[^/\s]+$/, 'must be a peer name or PeerId (not a multiaddr)'), hostPort).default({}),
    /** Every caller, loopback included, must send `Authorization: Bearer <dataDir/gateway.token>`; required to listen beyond loopback. @default false */
    requireToken: z.boolean().default(false)
  }).prefault({}),
  /** Who may fetch this node's AgentCard: public (anyone) or trusted (gate-approved peers). @default "public" */
  cardVisibility: z.enum(['public', 'trusted']).default('public'),
  /** Answer calls with the built-in example agent (quickstart, demo) when there is no upstream. @default false */
  exampleAgent: z.boolean().default(false),
  /** Largest A2A frame (one JSON-RPC request or response), in bytes. @default 4194304 (4 MiB) */
  maxFrameBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Most A2A calls one peer may have running here at once. @default 8 */
  maxCallsPerPeer: z.number().int().positive().default(8),
  /** Longest one A2A call may run, in ms (both as caller and as callee). @default 300000 */
  callTimeoutMs: z.number().int().positive().default(300_000),
  /** Carry calls over one long-lived A2A session per connection (/agentwire/a2a-session/1.0.0) when the peer speaks it; false speaks only the one-stream-per-call binding. @default true */
  sessions: z.boolean().default(true),
  /** Keep inbound tasks in a persistent inbox until a local consumer (`agentwire inbox`, `agentwire mcp`) answers: `true`, or the limits. @default false */
  // null is the validated form of false: a validated config passes validation again unchanged.
  inbox: z.union([z.boolean(), z.null(), z.strictObject({
    /** Open tasks (submitted, working, input-required) one peer may have queued. @default 16 */
    maxPerPeer: z.number().int().positive().default(16),
    /** Open tasks queued from all peers together. @default 256 */
    maxTotal: z.number().int().positive().default(256)
  })], { error: 'must be true, false, or { maxPerPeer: N, maxTotal: N }' }).default(false).transform(v => v === false || v === null ? null : { maxPerPeer: 16, maxTotal: 256, ...(v === true ? {} : v) })
}).refine(a => a.inbox == null || (a.upstream == null && !a.exampleAgent), {
  error: 'a2a.inbox answers inbound tasks itself: set either a2a.inbox or a2a.upstream / a2a.exampleAgent, not both', path: ['inbox']
})

export const mcpSchema = z.strictObject({
  /** Offer the approve_trust tool to MCP clients (an LLM could then admit peers; audited as approved through MCP). @default false */
  allowApprove: z.boolean().default(false),
  /** Longest send_task may wait for a terminal state before returning the task id, in s. @default 30 */
  maxWaitSeconds: z.number().int().min(0).max(600).default(30)
})

export const auditSchema = z.strictObject({
  /** How much of each A2A request body the audit log keeps: none, its SHA-256 (hash), or all of it (full). @default "hash" */
  payloads: z.enum(['none', 'hash', 'full']).default('hash')
})

export const metricsSchema = z.strictObject({
  /** HOST:PORT serving Prometheus metrics at /metrics; null turns it off. @default null */
  listen: hostPort.nullable().default(null)
})

export const logSchema = z.strictObject({
  /** @default "info" */
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** pretty: readable lines; json: one JSON object per line; auto: pretty on a terminal, json otherwise. @default "auto" */
  format: z.enum(['auto', 'pretty', 'json']).default('auto')
})

export const limitsSchema = z.strictObject({
  /** Most open connections. @default 300 */
  maxConnections: z.number().int().positive().default(300),
  /** Most inbound connections still upgrading (Noise + yamux) at once. @default 32 */
  maxIncomingPendingConnections: z.number().int().positive().default(32),
  /** Most parallel dials. @default 50 */
  maxParallelDials: z.number().int().positive().default(50),
  /** Longest a dial may take before it fails, in ms. @default 10000 */
  dialTimeoutMs: z.number().int().positive().default(10_000),
  /** Inbound connections accepted per second from one IP (an IPv6 /64) before refusing more (raise it for many nodes on one host); a relayed one counts for its peer, not the relay. @default 5 */
  inboundConnectionsPerHostPerSecond: z.number().int().positive().default(5),
  /** Inbound connections one address (IP, IPv6 /64, or relay) may have upgrading at once (raise it for many nodes on one host). @default 8 */
  maxIncomingPendingPerAddress: z.number().int().positive().default(8),
  /** Longest an inbound connection may take to finish its Noise and yamux upgrade, in ms. @default 5000 */
  inboundUpgradeTimeoutMs: z.number().int().min(500).default(5000),
  /** Streams (A2A calls, card fetches) one peer may open per second, across guarded protocols, once its burst is spent. @default 100 */
  streamsPerSecond: z.number().int().positive().default(STREAMS_PER_SECOND),
  /** Streams one peer may open at once before that rate applies. @default 200 */
  streamBurst: z.number().int().positive().default(STREAM_BURST),
  /** Guarded streams one peer may have in progress at once. @default 32 */
  maxStreamsPerPeer: z.number().int().positive().default(MAX_STREAMS_PER_PEER),
  /** Guarded streams in progress for all peers together: the cap on pending work. @default 512 */
  maxPendingStreams: z.number().int().positive().default(MAX_PENDING_STREAMS),
  /** Strikes (refused or malformed input, weighted by reason) before a peer is disconnected. @default 20 */
  strikeThreshold: z.number().int().positive().default(STRIKE_THRESHOLD),
  /** How long a disconnected peer is refused, in ms. @default 600000 */
  banMs: z.number().int().nonnegative().default(BAN_MS)
})

export const configSchema = z.strictObject({
  /** Human name published in the DHT so others can find this node without its PeerId. @default none */
  name: z.string().regex(NAME_PATTERN, 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit').optional(),
  /** Where the key, datastore, audit log and control socket live (relative to the config file). Required. */
  dataDir: z.string().min(1),
  /** Multiaddrs to listen on. @default ["/ip4/0.0.0.0/tcp/0"] */
  listen: z.array(multiaddrString).default(['/ip4/0.0.0.0/tcp/0']),
  /** Multiaddrs to advertise instead of the listen addresses (public IP, DNS name). @default [] */
  announce: z.array(multiaddrString).default([]),
  /** Peers to join the network through; each must end in /p2p/<PeerId>. @default [] */
  bootstrap: z.array(peerMultiaddr).default([]),
  /** Transports to dial and listen with, besides circuit relay. @default ["tcp"] */
  transports: transportsSchema,
  relay: relaySchema.prefault({}),
  nat: natSchema.prefault({}),
  dht: dhtSchema.prefault({}),
  keepAlive: keepAliveSchema.prefault({}),
  naming: namingSchema.prefault({}),
  trust: trustSchema.prefault({}),
  a2a: a2aSchema.prefault({}),
  mcp: mcpSchema.prefault({}),
  audit: auditSchema.prefault({}),
  reputation: reputationSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  log: logSchema.prefault({}),
  limits: limitsSchema.prefault({})
})

/** A config after validation and defaults; `dataDir` is absolute. */
export type AgentwireConfig = z.output<typeof configSchema>
/** What a caller may pass: every key but `dataDir` optional. */
export type AgentwireConfigInput = z.input<typeof configSchema>

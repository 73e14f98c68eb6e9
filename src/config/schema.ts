// The config file's shape, defaults and documentation in one place. Every object is strict so a
// misspelled key is refused before anything starts; README.md's config table mirrors this file.
import { z } from 'zod'
import { multiaddr } from '@multiformats/multiaddr'
import { reputationSchema } from './reputation-schema.ts'

const multiaddrString = z.string().superRefine((value, ctx) => {
  try {
    multiaddr(value)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid multiaddr: "${value}" (${(err as Error).message}); expected something like /ip4/127.0.0.1/tcp/4001` })
  }
})

const peerMultiaddr = multiaddrString.refine(value => value.includes('/p2p/'), {
  message: 'must end in /p2p/<PeerId> so the node can check who answers, e.g. /ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…'
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

export const trustSchema = z.strictObject({
  /** Who may use application protocols: mutual (approved both ways), reputation, or open (anyone). @default "mutual" */
  policy: z.enum(['mutual', 'reputation', 'open']).default('mutual'),
  /** PeerIds approved without asking, e.g. a fleet's own nodes. @default [] */
  autoApprove: z.array(peerIdString).default([])
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
  callTimeoutMs: z.number().int().positive().default(300_000)
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
  /** Inbound connections accepted per second from one IP before refusing more (raise it for many nodes on one host). @default 5 */
  inboundConnectionsPerHostPerSecond: z.number().int().positive().default(5),
  /** Streams (A2A calls, card fetches) one peer may open per second, across guarded protocols, once its burst is spent. @default 100 */
  streamsPerSecond: z.number().int().positive().default(100),
  /** Streams one peer may open at once before that rate applies. @default 200 */
  streamBurst: z.number().int().positive().default(200),
  /** Guarded streams one peer may have in progress at once. @default 32 */
  maxStreamsPerPeer: z.number().int().positive().default(32),
  /** Guarded streams in progress for all peers together: the cap on pending work. @default 512 */
  maxPendingStreams: z.number().int().positive().default(512),
  /** Strikes (refused or malformed input, weighted by reason) before a peer is disconnected. @default 20 */
  strikeThreshold: z.number().int().positive().default(20),
  /** How long a disconnected peer is refused, in ms. @default 600000 */
  banMs: z.number().int().nonnegative().default(600_000)
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
  dht: dhtSchema.prefault({}),
  trust: trustSchema.prefault({}),
  a2a: a2aSchema.prefault({}),
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

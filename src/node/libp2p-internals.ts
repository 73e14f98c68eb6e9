// The one place agentwire reaches past js-libp2p's public API. Everything else uses the node's
// methods, its services, or the components a service is given (the public way in). What is here
// has no public way yet; each piece says why it exists and what would replace it.
//
// Written against libp2p 3.3.11, @libp2p/interface-internal 3.1.13, @libp2p/kad-dht 16.4.5,
// @libp2p/circuit-relay-v2 4.2.13, @libp2p/autonat 3.0.28 and @libp2p/dcutr 3.0.28. On an upgrade
// of any of these, check each piece below still holds (the NAT lab and test/reachability tests fail
// loudly when one does not).
import { KEEP_ALIVE, type AbortOptions, type Connection, type PeerId, type Stream, type StreamHandler, type StreamHandlerOptions, type Topology } from '@libp2p/interface'
import type { Registrar, TransportManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { KadDHT, KadDHTComponents, SingleKadDHT } from '@libp2p/kad-dht'

/**
 * `kadDHT()` is typed to return `KadDHT`, but with one protocol (no client/server split) it builds
 * the package's own `SingleKadDHT`, whose `routingTable` is exported API. This says so once, at
 * construction, instead of a cast at every reader.
 */
export function singleKadDHT (factory: (components: KadDHTComponents) => KadDHT): (components: KadDHTComponents) => SingleKadDHT {
  return factory as (components: KadDHTComponents) => SingleKadDHT
}

/** The part of the circuit relay transport we use; it is public in the package but not typed in libp2p. */
export interface RelayReservationStore {
  hasReservation: (peerId: PeerId) => boolean
  addRelay: (peerId: PeerId, type: 'configured' | 'discovered') => Promise<unknown>
  addEventListener?: (type: 'relay:removed', listener: (evt: CustomEvent<{ relay: PeerId }>) => void) => void
  removeEventListener?: (type: 'relay:removed', listener: (evt: CustomEvent<{ relay: PeerId }>) => void) => void
}

/** The relay transport as it is, beside what `Transport` declares. */
interface RelayTransportShape { [Symbol.toStringTag]?: string, reservationStore?: RelayReservationStore }

/**
 * The circuit relay transport's reservation store: which relays hold a reservation for us, and a
 * way to ask one for a slot again. libp2p offers neither (only the /p2p-circuit addresses that
 * follow from them), so the transport is found by the tag @libp2p/circuit-relay-v2 4.2 gives it.
 */
export function relayReservationStore (transportManager: TransportManager | undefined): RelayReservationStore | undefined {
  const transport = transportManager?.getTransports().find(t => (t as RelayTransportShape)[Symbol.toStringTag] === '@libp2p/circuit-relay-v2-transport')
  return (transport as RelayTransportShape | undefined)?.reservationStore
}

/**
 * A member of a libp2p object seen through a Proxy that passes it on: a method comes bound to the
 * object (so its private fields still resolve), anything else as it is.
 */
export function forwardedMember (target: object, prop: string | symbol): unknown {
  const member: unknown = Reflect.get(target, prop)
  return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member
}

/**
 * A service factory given components in which one method of one component is replaced: how a
 * stock libp2p service is patched where it misbehaves (see `withFreshDialBack` in libp2p.ts and
 * `withoutWebRTC` in nat-traversal.ts). Services see components as a plain object of named parts;
 * libp2p 3.3 hands them a Proxy, so we wrap that in our own Proxy rather than copy it.
 */
export function withComponentMethod<C extends object, S, K extends keyof C & string, M extends string> (
  factory: (components: C) => S,
  component: K,
  method: M,
  replace: (original: (...args: unknown[]) => unknown, self: C[K]) => (...args: never[]) => unknown
): (components: C) => S {
  return (components) => factory(new Proxy(components, {
    get (target, prop) {
      const value: unknown = Reflect.get(target, prop)
      if (prop !== component || value == null || typeof value !== 'object') return value
      const part = value as C[K] & object
      return new Proxy(part, {
        get (inner, key) {
          const member: unknown = Reflect.get(inner, key)
          if (typeof member !== 'function') return member
          const bound = (member as (...args: unknown[]) => unknown).bind(inner)
          return key === method ? replace(bound, part) : bound
        }
      })
    }
  }))
}

// --- GossipSub: announce a subscription again (issue 17). Written against @libp2p/gossipsub 17.1.1.

/** The part of GossipSub a re-announcement uses: its peers, and the private method that sends our subscriptions. */
interface SubscriptionAnnouncerShape {
  getPeers?: () => PeerId[]
  sendSubscriptions?: (toPeer: string, topics: string[], subscribe: boolean) => void
}

/** Sends one peer a SUBSCRIBE for `topics`; may throw when the peer's stream is gone. */
export type SubscriptionAnnouncer = (peer: PeerId, topics: string[]) => void

/**
 * GossipSub tells a peer our topics once, when it opens its outbound stream to it
 * (`createOutboundStream` → `sendSubscriptions`), and offers no public way to say it again; a peer
 * that dropped that RPC (it had graylisted us) never learns we listen. `sendSubscriptions` is a
 * private method of the 17.x implementation: returns undefined when this pubsub has no such method,
 * so the caller can say so instead of failing. Replace with a public re-announce if GossipSub gets one.
 */
export function gossipsubSubscriptionAnnouncer (pubsub: unknown): { peers: () => PeerId[], announce: SubscriptionAnnouncer } | undefined {
  if (pubsub == null || typeof pubsub !== 'object') return undefined
  const shape = pubsub as SubscriptionAnnouncerShape
  const { getPeers, sendSubscriptions } = shape
  if (typeof getPeers !== 'function' || typeof sendSubscriptions !== 'function') return undefined
  return {
    peers: () => getPeers.call(pubsub),
    announce: (peer, topics) => { sendSubscriptions.call(pubsub, peer.toString(), topics, true) }
  }
}

// --- NAT traversal (gentleSwap and refreshByReplacing in nat-traversal.ts) ---------------------------
// Written against libp2p 3.3.11, @libp2p/interface-internal 3.1.13, @libp2p/dcutr 3.0.28 and
// @libp2p/circuit-relay-v2 4.2.13 (whose server uses retimeable-signal 1.0.1). The NAT lab's
// calls-during-dcutr-swap and reservation-renewed-before-expiry scenarios fail when these stop holding.

/**
 * A service factory whose connections, as the registrar hands them to it (its stream handlers and
 * its topologies' onConnect: the only two ways @libp2p/dcutr gets the relayed connection it closes),
 * are passed through `wrap` first. libp2p has no hook for "what this service may do to a connection".
 */
export function withRegistrarConnections<C extends { registrar: Registrar }, S> (factory: (components: C) => S, wrap: (conn: Connection) => Connection): (components: C) => S {
  const handling = withComponentMethod(factory, 'registrar', 'handle', original =>
    async (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) =>
      await original(protocol, async (stream: Stream, connection: Connection) => { await handler(stream, wrap(connection)) }, options))
  return withComponentMethod(handling, 'registrar', 'register', original =>
    async (protocol: string, topology: Topology, options?: AbortOptions) => {
      const onConnect = topology.onConnect?.bind(topology)
      // Its result goes back to the registrar, which handles a rejection as it would the original's.
      return await original(protocol, { ...topology, onConnect: onConnect != null ? (peer: PeerId, conn: Connection) => onConnect(peer, wrap(conn)) : undefined }, options)
    })
}

/** What we use of @libp2p/circuit-relay-v2's server-side reservation store (a class of the package, not on the service's type). */
export interface RelayServerReservations {
  reserve: (peer: PeerId, addr: Multiaddr, limit?: unknown) => unknown
  /** The reservation, with its expiry timer (`signal`, a retimeable-signal). */
  get: (peer: PeerId) => { signal?: { clear?: () => void } } | undefined
  removeReservation: (peer: PeerId) => void
}

/**
 * The circuit relay server's reservation store (`server.reservationStore`), or undefined when the
 * server is not shaped the way 4.2.x is (then a caller leaves it alone).
 */
export function relayServerReservations (server: unknown): RelayServerReservations | undefined {
  const store: unknown = server != null && typeof server === 'object' ? Reflect.get(server, 'reservationStore') : undefined
  if (store == null || typeof store !== 'object') return undefined
  const has = (name: keyof RelayServerReservations): boolean => typeof Reflect.get(store, name) === 'function'
  // Checked member by member just above: the one cast of this shape.
  return has('reserve') && has('get') && has('removeReservation') ? store as RelayServerReservations : undefined
}

/** The tag @libp2p/kad-dht 16.4 puts on the peers it pinged last (its ClosestPeers, every 5 s); libp2p redials a peer so tagged the moment it disconnects (ReconnectQueue). Not exported by the package. */
export const KAD_DHT_KEEP_ALIVE_TAG = `${KEEP_ALIVE}-kad-dht`

/** What we use of kad-dht's routing table (dht-keeper.ts, naming/name-service.ts). */
export interface KadRoutingTable {
  size: number
  find: (peer: PeerId) => Promise<PeerId | undefined>
  queueRoutingTableUpdate: (peer: PeerId) => void
  /** kad-dht 16.4 emits these from its RoutingTable class: a service can react to the table growing instead of polling it. */
  addEventListener: (type: 'peer:add' | 'peer:remove', listener: () => void) => void
  removeEventListener: (type: 'peer:add' | 'peer:remove', listener: () => void) => void
}

/**
 * kad-dht's routing table with the members the keeper needs. `SingleKadDHT.routingTable` is typed
 * as the package's `RoutingTable` interface, which declares only `size`; the object is the
 * package's `RoutingTable` class (routing-table/index.js in 16.4), which has these methods but is
 * not exported from the package root. Replace with the exported type once kad-dht exports it.
 */
export function kadRoutingTable (dht: SingleKadDHT): KadRoutingTable {
  return dht.routingTable as KadRoutingTable
}

/**
 * Which of a libp2p node's components are still in their beforeStop, stop or afterStop: libp2p
 * stops them all at once and says nothing of one that never returns, so a node's stop() that had
 * to give up on libp2p could only say "libp2p". Each component's three methods are wrapped once,
 * at creation, to keep the set of pending ones. libp2p 3.3 keeps its components as a plain object
 * by name (`components.components`, behind a Proxy); no public way lists them. Returns an empty
 * list if that shape is gone.
 */
export function componentStops (node: object): () => string[] {
  const pending = new Set<string>()
  const components = (node as { components?: { components?: Record<string, unknown> } }).components?.components
  if (components == null || typeof components !== 'object') return () => []
  for (const [name, component] of Object.entries(components)) {
    if (component == null || typeof component !== 'object') continue
    const methods = component as Record<string, unknown>
    for (const method of ['beforeStop', 'stop', 'afterStop']) {
      const original = methods[method]
      if (typeof original !== 'function') continue
      const label = `${name}.${method}`
      try {
        methods[method] = async (...args: unknown[]): Promise<unknown> => {
          pending.add(label)
          try {
            return await (original as (...a: unknown[]) => unknown).apply(component, args)
          } finally {
            pending.delete(label)
          }
        }
      } catch {
        // A frozen component (none in libp2p 3.3) is stopped as it is, just not named in the log.
      }
    }
  }
  return () => [...pending]
}

/** kad-dht 16.4's k-bucket trie (`RoutingTable.kb`, a public field of the class): its entries. */
interface KadBucketShape { toIterable?: () => Iterable<{ peerId: PeerId }> }

/**
 * Distinct peers in kad-dht's routing table. Its `size` counts entries, and kad-dht 16.4.5's
 * KBucket could hold one peer several times (a split racing concurrent adds: 46 entries for 39
 * peers in a 40-node network, issue 21; fixed by patches/@libp2p+kad-dht+16.4.5.patch, which a
 * registry install of agentwire does not get). An inflated size made `dht-health` say ok and the
 * DhtKeeper stop re-adding peers, so the health check and the keeper count peers, not entries.
 * Falls back to `size` when the table is not shaped as in 16.4.
 */
export function kadTablePeers (dht: SingleKadDHT): number {
  const kb = (dht.routingTable as { kb?: KadBucketShape }).kb
  if (typeof kb?.toIterable !== 'function') return dht.routingTable.size
  const ids = new Set<string>()
  for (const entry of kb.toIterable()) ids.add(entry.peerId.toString())
  return ids.size
}

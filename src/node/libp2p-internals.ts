// The one place agentwire reaches past js-libp2p's public API. Everything else uses the node's
// methods, its services, or the components a service is given (the public way in). What is here
// has no public way yet; each piece says why it exists and what would replace it.
//
// Written against libp2p 3.3.11, @libp2p/interface-internal 3.1.13, @libp2p/kad-dht 16.4.5,
// @libp2p/circuit-relay-v2 4.2.13, @libp2p/autonat 3.0.28 and @libp2p/dcutr 3.0.28. On an upgrade
// of any of these, check each piece below still holds (the NAT lab and test/reachability tests fail
// loudly when one does not).
import type { PeerId } from '@libp2p/interface'
import type { TransportManager } from '@libp2p/interface-internal'
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

/** What the DHT keeper uses of kad-dht's routing table (dht-keeper.ts). */
export interface KadRoutingTable {
  size: number
  find: (peer: PeerId) => Promise<PeerId | undefined>
  queueRoutingTableUpdate: (peer: PeerId) => void
  addEventListener: (type: 'peer:add', listener: () => void) => void
  removeEventListener: (type: 'peer:add', listener: () => void) => void
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

// Whether this node can be reached, and through which relays; plus the keeper that holds relay
// reservations on the relays named in `relay.reservations`.
//
// The keeper exists because @libp2p/circuit-relay-v2 (4.2) refreshes a reservation before it
// expires, but does not re-make one on a configured relay after the relay connection drops (a relay
// restart, a network blip): it removes the reservation and its /p2p-circuit addresses and stops.
import { isPrivate } from '@libp2p/utils'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ComponentLogger, Logger, PeerId, Startable, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'
import type { AddressManager, ConnectionManager, TransportManager } from '@libp2p/interface-internal'
import { relayReservationStore } from './libp2p-internals.ts'

export interface Reachability {
  /** public: an address of ours was confirmed dialable (AutoNAT) or announced; private: none can be. */
  verdict: 'public' | 'private' | 'unknown'
  /** PeerIds of the relays we hold a reservation on. */
  relays: string[]
  /** Our /p2p-circuit addresses, as others should dial them. */
  circuitAddresses: string[]
}

function isPublicAddress (ma: Multiaddr): boolean {
  if (Circuit.matches(ma)) return false
  const first = ma.getComponents()[0]
  if (first == null || !['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr'].includes(first.name)) return false
  return isPrivate(ma) !== true
}

export interface ReachabilityComponents {
  addressManager: AddressManager
  connectionManager: ConnectionManager
  transportManager: TransportManager
}

/**
 * What `info` shows about reachability, as a libp2p service: the address metadata AutoNAT writes
 * lives in the address manager, which libp2p hands to services (and to nothing else).
 */
export class ReachabilityProbe {
  private readonly components: ReachabilityComponents

  constructor (components: ReachabilityComponents) {
    this.components = components
  }

  readonly [Symbol.toStringTag] = 'agentwire:reachability'

  reachability (): Reachability {
    const { addressManager, connectionManager, transportManager } = this.components
    const store = relayReservationStore(transportManager)
    const advertised = addressManager.getAddresses()
    const circuitAddresses = advertised.filter(ma => Circuit.matches(ma)).map(ma => ma.toString())

    const relays = new Set<string>()
    for (const conn of connectionManager.getConnections()) {
      if (store?.hasReservation(conn.remotePeer) === true) relays.add(conn.remotePeer.toString())
    }

    // getAddresses() only lists verified addresses: announced ones, or ones AutoNAT confirmed.
    const verifiedPublic = advertised.some(isPublicAddress)
    const publicCandidates = addressManager.getAddressesWithMetadata().filter(a => isPublicAddress(a.multiaddr))
    let verdict: Reachability['verdict'] = 'unknown'
    if (verifiedPublic) verdict = 'public'
    // Only private addresses (behind a NAT, in a VPC), or we already rely on a relay: not reachable
    // from the internet. A public candidate AutoNAT has not judged yet leaves the verdict unknown.
    else if (publicCandidates.length === 0 || relays.size > 0) verdict = 'private'
    return { verdict, relays: [...relays], circuitAddresses }
  }
}

export function reachabilityProbe (): (components: ReachabilityComponents) => ReachabilityProbe {
  return (components) => new ReachabilityProbe(components)
}

/** What `info` shows about reachability (the node's `reachability` service). */
export function reachability (node: { services: { reachability: ReachabilityProbe } }): Reachability {
  return node.services.reachability.reachability()
}

// How long to wait before the first attempt to re-reserve, in ms: a restarting relay needs a moment.
const RETRY_MIN_MS = 1_000
// Longest pause between attempts, in ms, so a relay that is down for hours costs almost nothing.
const RETRY_MAX_MS = 30_000
// How often to check every configured relay still holds our reservation, in ms: the backstop for
// a loss no event told us about.
const CHECK_INTERVAL_MS = 10_000
// Longest a dial to a relay may take, in ms.
const DIAL_TIMEOUT_MS = 10_000
// Longest one reservation attempt may take after the dial, in ms.
const ATTEMPT_TIMEOUT_MS = 15_000

async function withTimeout (ms: number, fn: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no reservation within ${ms} ms`)) }, ms) })
  try { await Promise.race([fn(), late]) } finally { clearTimeout(timer) }
}

export interface RelayKeeperInit {
  /** Relay multiaddrs, each ending in /p2p/<PeerId>. */
  relays: string[]
  /** @default 1000 */
  retryMinMs?: number
  /** @default 30000 */
  retryMaxMs?: number
}

export interface RelayKeeperComponents {
  transportManager: TransportManager
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** Holds a reservation on each configured relay: makes it at start, re-makes it whenever it is lost. */
class RelayKeeper implements Startable {
  private readonly relays: Array<{ addr: Multiaddr, peerId: PeerId, listening: boolean, busy: boolean }>
  private readonly components: RelayKeeperComponents
  private readonly log: Logger
  private readonly retryMinMs: number
  private readonly retryMaxMs: number
  private timers = new Set<ReturnType<typeof setTimeout>>()
  private checkTimer?: ReturnType<typeof setInterval>
  private started = false

  constructor (components: RelayKeeperComponents, init: RelayKeeperInit) {
    this.components = components
    this.log = components.logger.forComponent('agentwire:relay-keeper')
    this.retryMinMs = init.retryMinMs ?? RETRY_MIN_MS
    this.retryMaxMs = init.retryMaxMs ?? RETRY_MAX_MS
    this.relays = init.relays.map(text => {
      const addr = multiaddr(text)
      const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
      if (id == null) throw new Error(`relay address ${text} has no /p2p/<PeerId>`)
      return { addr, peerId: peerIdFromString(id), listening: false, busy: false }
    })
  }

  readonly [Symbol.toStringTag] = 'agentwire:relay-keeper'

  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    const relay = this.relays.find(r => r.peerId.equals(evt.detail))
    if (relay != null) this.keep(relay, this.retryMinMs)
  }

  // The store also drops a reservation when only the connection it was made on closes (a second
  // connection to the relay may stay up, so there is no peer:disconnect): re-make it at once.
  private readonly onRelayRemoved = (evt: CustomEvent<{ relay: PeerId }>): void => {
    const relay = this.relays.find(r => r.peerId.equals(evt.detail.relay))
    if (relay != null) this.keep(relay, this.retryMinMs)
  }

  start (): void {
    this.started = true
    this.components.events.addEventListener('peer:disconnect', this.onPeerDisconnect)
  }

  afterStart (): void {
    relayReservationStore(this.components.transportManager)?.addEventListener?.('relay:removed', this.onRelayRemoved)
    for (const relay of this.relays) this.keep(relay, 0)
    this.checkTimer = setInterval(() => { for (const relay of this.relays) this.keep(relay, 0) }, CHECK_INTERVAL_MS)
  }

  stop (): void {
    this.started = false
    this.components.events.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    relayReservationStore(this.components.transportManager)?.removeEventListener?.('relay:removed', this.onRelayRemoved)
    clearInterval(this.checkTimer)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** Make sure `relay` holds our reservation, retrying with backoff until it does or we stop. */
  private keep (relay: RelayKeeper['relays'][number], delayMs: number): void {
    if (!this.started || relay.busy) return
    const store = relayReservationStore(this.components.transportManager)
    if (store?.hasReservation(relay.peerId) === true) return
    relay.busy = true
    const attempt = async (waitMs: number): Promise<void> => {
      if (!this.started) { relay.busy = false; return }
      try {
        // Connect first: a circuit listener that fails stays registered in libp2p, so only create
        // one when the relay answers.
        await this.components.connectionManager.openConnection(relay.addr, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        // Never wait on libp2p forever: a stuck attempt would leave `busy` set and the relay unkept.
        await withTimeout(ATTEMPT_TIMEOUT_MS, async () => {
          if (!relay.listening) {
            // The first time, a circuit listener does the work and turns the reservation into addresses.
            await this.components.transportManager.listen([relay.addr.encapsulate('/p2p-circuit')])
            relay.listening = true
          } else if (store?.hasReservation(relay.peerId) !== true) {
            // Afterwards that listener is still there and re-advertises whatever we reserve now.
            await store?.addRelay(relay.peerId, 'configured')
          }
        })
        this.log('holding a reservation on relay %p', relay.peerId)
        relay.busy = false
      } catch (err) {
        const next = Math.min(Math.max(waitMs * 2, this.retryMinMs), this.retryMaxMs)
        this.log('could not reserve on relay %p (%s), retrying in %d ms', relay.peerId, err instanceof Error ? err.message : String(err), next)
        this.schedule(async () => { await attempt(next) }, next)
      }
    }
    this.schedule(async () => { await attempt(delayMs) }, delayMs)
  }

  private schedule (fn: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => { this.timers.delete(timer); void fn() }, ms)
    this.timers.add(timer)
  }
}

export function relayKeeper (init: RelayKeeperInit): (components: RelayKeeperComponents) => RelayKeeper {
  return (components) => new RelayKeeper(components, init)
}

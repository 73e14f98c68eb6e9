// NAT traversal beyond relay + DCUtR (config `nat`): the WebRTC transport, with which two NATed
// nodes punch a direct path (ICE, with STUN-discovered candidates, the SDP carried over the relayed
// connection), and UPnP IGD port mapping on the home router. WebRTC is a native module
// (node-datachannel) and UPnP talks to the router, so each loads only when the config asks.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Circuit, WebRTC } from '@multiformats/multiaddr-matcher'
import type { ComponentLogger, Connection, IdentifyResult, Logger, PeerData, PeerId, PeerStore, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Registrar } from '@libp2p/interface-internal'
import type { uPnPNAT as UPnPNATFactory } from '@libp2p/upnp-nat'
import { isPrivateIp } from '@libp2p/utils'
import { AgentwireError } from '../errors.ts'
import { codeOf } from '../caught.ts'
import { forwardedMember, KAD_DHT_KEEP_ALIVE_TAG, relayServerReservations, withComponentMethod, withRegistrarConnections } from './libp2p-internals.ts'
import type { AgentwireConfig } from '../config/index.ts'
import { SWAP_DRAIN_MAX_MS, SWAP_DRAIN_POLL_MS, WEBRTC_UPGRADE_DELAYS_MS, WEBRTC_UPGRADE_TIMEOUT_MS } from './constants.ts'

/** @libp2p/webrtc's signaling protocol: a peer that handles it accepts private-to-private WebRTC. */
const WEBRTC_SIGNALING_PROTOCOL = '/webrtc-signaling/0.0.1'

/** What the NAT config adds to the libp2p stack. */
export interface NatParts {
  transports: Array<(components: WebRTCComponents) => Transport>
  /** Extra listen addresses: `/webrtc` makes the node accept WebRTC through each of its relays. */
  listen: string[]
  services: { upnp?: ReturnType<typeof UPnPNATFactory>, webrtcUpgrade?: (components: UpgradeComponents) => WebRTCUpgrade }
}

/** What the WebRTC transport factory is given (the package does not export the type by name). */
type WebRTCComponents = Parameters<ReturnType<(typeof import('@libp2p/webrtc'))['webRTC']>>[0]

/**
 * @libp2p/webrtc is an optional peer dependency: it brings a native module (node-datachannel) and a
 * large install, which a node that never punches NAT-to-NAT should not pay for.
 */
async function importWebRTC (): Promise<typeof import('@libp2p/webrtc')> {
  try {
    return await import('@libp2p/webrtc')
  } catch (err) {
    if (codeOf(err) !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new AgentwireError('NAT_WEBRTC_MISSING', 'nat.webrtc is on, but the optional package @libp2p/webrtc is not installed',
      'install it beside agentwire (`npm i @libp2p/webrtc@^6`, or `npm i -g @libp2p/webrtc@^6` for a global agentwire), or set nat.webrtc: false')
  }
}

/**
 * agentwire nodes with WebRTC started in this process and not yet stopped. When the last one has
 * stopped, node-datachannel's cleanup() releases what libdatachannel still holds. A data channel
 * the remote closed before our JavaScript had wrapped it (a stream opened and reset in the same
 * moment, e.g. while both nodes stop) is never reported closed, and its referenced native callback
 * keeps the process alive for ever: 1 of 20 loop runs of natlab-webrtc.test.ts even with both
 * patches in patches/ (docs/nat.md). No call on the channel can release it; cleanup() can. It
 * closes every node-datachannel peer connection in the process, hence only after the last node.
 */
let runningWebRTCNodes = 0

async function releaseNodeDataChannel (log: Logger): Promise<void> {
  try {
    // node-datachannel is @libp2p/webrtc's dependency, not ours: resolve it from there.
    const from = createRequire(import.meta.resolve('@libp2p/webrtc'))
    const ndc = await import(pathToFileURL(from.resolve('node-datachannel')).href) as { cleanup?: () => void, default?: { cleanup?: () => void } }
    const cleanup = ndc.cleanup ?? ndc.default?.cleanup
    if (cleanup == null) throw new Error('node-datachannel has no cleanup()')
    cleanup()
    log('the last WebRTC node stopped: node-datachannel released')
  } catch (err) {
    log.error('could not release node-datachannel; the process may not exit by itself - %e', err)
  }
}

export async function natParts (config: AgentwireConfig): Promise<NatParts> {
  const parts: NatParts = { transports: [], listen: [], services: {} }
  if (config.nat.webrtc) {
    const { webRTC } = await importWebRTC()
    const upgrading = new AsyncLocalStorage<true>()
    parts.transports.push(upgradeOnly(webRTC({
      // Always an explicit list: left unset, @libp2p/webrtc falls back to public STUN servers
      // (Google, Twilio, Cloudflare, Mozilla) — traffic to third parties nobody configured.
      rtcConfiguration: { iceServers: config.nat.stun.map(urls => ({ urls })) }
    }), upgrading))
    parts.listen.push('/webrtc')
    parts.services.webrtcUpgrade = (components: UpgradeComponents) => new WebRTCUpgrade(components, upgrading)
  }
  if (config.nat.upnp) {
    const { uPnPNAT } = await import('@libp2p/upnp-nat')
    parts.services.upnp = uPnPNAT({
      portMappingDescription: 'agentwire',
      // The router itself reports the mapping, and @libp2p/upnp-nat refuses a private external IP
      // (double NAT). Left to AutoNAT, the address stayed unverified in the NAT lab (it needs
      // dial-backs from several networks) and so was never advertised: nobody could use it.
      autoConfirmAddress: true
    })
  }
  return parts
}

/**
 * The WebRTC transport dials only the upgrades WebRTCUpgrade makes (inside `upgrading`, an async
 * context: a set of peers being upgraded let a user's dial to such a peer try WebRTC too, and a
 * ping waited out a hopeless ICE attempt: 10 s first answers without STUN in the lab); every
 * other dial goes to the relayed address first.
 *
 * Before, a dial tried /webrtc addresses first (libp2p sorts them ahead of /p2p-circuit), each
 * bounded to 4 s, and after a failed ICE attempt the peer's WebRTC addresses were skipped for 60 s.
 * Both halves failed in the NAT lab under load: without STUN (or with symmetric NATs) the 4 s of
 * hopeless ICE plus the relayed dial did not fit in the 10 s dial timeout (1 attempt in 3 not
 * answered), and one ICE attempt that ran out of time under load made the next dials skip WebRTC,
 * so the pair stayed relayed for good (0/3 direct). Now the relay answers first, always at relay
 * speed, and ICE runs beside it over the relayed connection (what @libp2p/webrtc does anyway: the
 * SDP goes over a relayed connection), retried while the connection is still only relayed.
 */
function upgradeOnly<C, T extends Transport> (factory: (components: C) => T, upgrading: AsyncLocalStorage<true>): (components: C) => T {
  return (components) => {
    const transport = factory(components)
    const dialFilter = transport.dialFilter.bind(transport)
    // libp2p leaves out of a dial the addresses no transport accepts (dial-queue), so a foreground
    // dial never sees a /webrtc address: no error, no "last dial failure" recorded for the peer.
    const onlyUpgrades = (addrs: Multiaddr[]): Multiaddr[] => upgrading.getStore() === true ? dialFilter(addrs) : []
    return new Proxy(transport, {
      get (target, prop) {
        if (prop === 'dialFilter') return onlyUpgrades
        return forwardedMember(target, prop)
      }
    })
  }
}

interface UpgradeComponents {
  peerId: PeerId
  events: EventTarget
  connectionManager: { getConnections: (peer?: PeerId) => Connection[] }
  transportManager: { dial: (ma: Multiaddr, options: { signal: AbortSignal }) => Promise<Connection> }
  logger: ComponentLogger
}

/**
 * Upgrades relayed connections to direct WebRTC ones: after identify ran on a relayed connection to
 * a peer that accepts WebRTC, one side (see `initiates`) dials the peer's /webrtc address; the SDP
 * goes over the relayed connection, ICE punches both NATs. The relayed connection stays open: a
 * call in flight on it finishes there, and new calls pick the direct connection (agentwire's dial
 * and libp2p's both prefer a connection that is not relayed). Tried at the delays of
 * WEBRTC_UPGRADE_DELAYS_MS while no direct connection exists and the relayed one is open.
 */
class WebRTCUpgrade {
  private readonly running = new Map<string, Promise<void>>()
  private readonly controller = new AbortController()
  private readonly log: Logger
  private readonly components: UpgradeComponents
  private readonly upgrading: AsyncLocalStorage<true>
  private readonly onIdentify = (evt: Event): void => { this.consider((evt as CustomEvent<IdentifyResult>).detail) }

  constructor (components: UpgradeComponents, upgrading: AsyncLocalStorage<true>) {
    this.components = components
    this.upgrading = upgrading
    this.log = components.logger.forComponent('agentwire:webrtc-upgrade')
  }

  readonly [Symbol.toStringTag] = 'agentwire:webrtc-upgrade'

  start (): void {
    runningWebRTCNodes++
    this.components.events.addEventListener('peer:identify', this.onIdentify)
  }

  stop (): void {
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
    this.controller.abort()
  }

  /** After every libp2p component stopped (its connections are closed): the last WebRTC node releases node-datachannel. */
  async afterStop (): Promise<void> {
    if (--runningWebRTCNodes > 0) return
    await releaseNodeDataChannel(this.log)
  }

  private consider (result: IdentifyResult): void {
    if (!Circuit.matches(result.connection.remoteAddr) || !result.protocols.includes(WEBRTC_SIGNALING_PROTOCOL)) return
    const theirs = result.listenAddrs.filter(ma => WebRTC.matches(ma))
    if (!this.initiates(result.peerId, theirs.length > 0)) return
    const peer = result.peerId.toString()
    if (this.running.has(peer)) return
    const run = this.upgrade(result.peerId, result.connection, theirs)
      .catch((err: unknown) => { this.log.error('upgrading %p failed - %e', result.peerId, err) })
      .finally(() => { this.running.delete(peer) })
    this.running.set(peer, run)
  }

  /**
   * Exactly one side starts ICE: two crossed WebRTC dials (each side answering the other's while
   * dialling its own) left half-open connections that carried nothing (seen in the NAT lab). The
   * smaller PeerId starts, whichever side dialled the relayed connection, so a simultaneous dial
   * both ways cannot cross either. (Deciding by whether a side has a /webrtc address of its own
   * crossed in the lab: the address appears a moment after the reservation.)
   */
  private initiates (remote: PeerId, haveTheirs: boolean): boolean {
    return haveTheirs && this.components.peerId.toString() < remote.toString()
  }

  private direct (peer: PeerId): boolean {
    return this.components.connectionManager.getConnections(peer).some(c => c.status === 'open' && !Circuit.matches(c.remoteAddr))
  }

  private async upgrade (peer: PeerId, relayed: Connection, addrs: Multiaddr[]): Promise<void> {
    const signal = this.controller.signal
    for (const delay of WEBRTC_UPGRADE_DELAYS_MS) {
      if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay).unref())
      if (signal.aborted || relayed.status !== 'open' || this.direct(peer)) return
      for (const ma of addrs) {
        const addr = ma.getComponents().some(c => c.name === 'p2p' && c.value === peer.toString()) ? ma : ma.encapsulate(`/p2p/${peer.toString()}`)
        // Straight to the transport, not through libp2p's dial queue: the queue joins every dial to
        // the same peer into one, so a user's dial made while ICE ran got ICE's result, and when ICE
        // failed (no STUN) the user's call failed although the relay would have carried it (lab:
        // answered 1/3). The relayed connection already passed the gater; the upgrader still runs
        // the connection gater's checks on the new connection. Not aborted when the relayed one
        // closes: the peer holds its end of the WebRTC connection as soon as ICE connected, a
        // moment before we do (we still close the 'init' channel and the signaling stream), and
        // one that closed the relayed connection in that moment (as the natlab-webrtc test does,
        // or a drain finding it idle) had its new connection killed by our abort (3 of 20 runs).
        // A relayed connection that closes during the SDP exchange fails the signaling stream anyway.
        const attempt = AbortSignal.any([signal, AbortSignal.timeout(WEBRTC_UPGRADE_TIMEOUT_MS)])
        try {
          await this.upgrading.run(true, async () => await this.components.transportManager.dial(addr, { signal: attempt }))
          this.log('upgraded %p to WebRTC', peer)
          return
        } catch (err) {
          this.log('WebRTC to %p over %a failed - %e', peer, addr, err)
        }
        if (signal.aborted || relayed.status !== 'open' || this.direct(peer)) return
      }
    }
  }
}

/**
 * DCUtR must leave /webrtc addresses alone. @libp2p/dcutr 3.0.28 treats any address that is not
 * `/p2p-circuit` as a direct one, and `<relay>/p2p-circuit/webrtc/p2p/<peer>` is not: the inbound
 * side of every relayed connection started its own WebRTC dial back ("unilateral upgrade") while
 * the caller's WebRTC dial was running, the two ICE sessions crossed, and half-open WebRTC
 * connections that carried nothing were left behind (calls and pings on them failed; seen in the
 * NAT lab, 11/20 direct). WebRTCUpgrade's dial is the only WebRTC attempt now (and the WebRTC
 * transport refuses any other dial, see upgradeOnly); DCUtR still upgrades to TCP/QUIC where it can.
 */
export function withoutWebRTC<C extends { transportManager: unknown }, S> (factory: (components: C) => S): (components: C) => S {
  return withComponentMethod(factory, 'transportManager', 'dialTransportForMultiaddr', original =>
    (ma: Multiaddr) => WebRTC.matches(ma) ? undefined : original(ma))
}

/** DCUtR's own protocol: its stream on the relayed connection is not a call to wait for. */
const DCUTR_PROTOCOL = '/libp2p/dcutr'

/**
 * DCUtR closes the relayed connection the moment the direct one exists, and everything on it went
 * with it: in the NAT lab, a public node calling a NATed one from a cold start (A2A call, ping,
 * card, trust handshake every 100 ms for 3 s) saw A2A calls end "closed the call without
 * answering" — the request delivered, possibly run, the answer lost — and pings fail with "Cannot
 * write to a stream that is closed" or "Remote closed connection during opening".
 *
 * Here DCUtR's close of the relayed connection becomes a drain: new calls already take the direct
 * connection (agentwire's dial and libp2p's both prefer it), the streams still running on the
 * relayed one finish there, and the connection closes once none is left (or after
 * SWAP_DRAIN_MAX_MS; the relay's own circuit limits still apply). Nothing is retried, so no A2A
 * call can run twice. Both ends run this, so neither closes under the other's calls.
 */
export function gentleSwap<C extends { registrar: Registrar }, S> (factory: (components: C) => S): (components: C) => S {
  return withRegistrarConnections(factory, draining)
}

/** The connection, except that close() waits for its other streams to finish first (in the background). */
function draining (conn: Connection): Connection {
  const close = async (): Promise<void> => { void closeWhenIdle(conn) }
  return new Proxy(conn, {
    get (target, prop) {
      if (prop === 'close') return close
      return forwardedMember(target, prop)
    }
  })
}

async function closeWhenIdle (conn: Connection): Promise<void> {
  const start = Date.now()
  const busy = (): boolean => conn.streams.some(s => s.protocol !== DCUTR_PROTOCOL && s.status === 'open')
  while (conn.status === 'open' && busy() && Date.now() - start < SWAP_DRAIN_MAX_MS) {
    await new Promise(resolve => setTimeout(resolve, SWAP_DRAIN_POLL_MS).unref())
  }
  if (conn.status === 'open') await conn.close().catch(() => { conn.abort(new Error('relayed connection replaced by a direct one')) })
}

/**
 * A relay dropped a reservation its holder had just refreshed. @libp2p/circuit-relay-v2's server
 * refreshes a reservation by resetting its expiry signal (retimeable-signal 1.0.1), and `reset()`
 * arms the new timer with a listener that the next `reset()` does not remove: from the second
 * refresh on, the timer of the first refresh still fires and deletes the reservation. Seen in the
 * NAT lab (45 s TTL, refresh every 30 s): the relay answered NO_RESERVATION from 75 s after the
 * reservation until the holder's next refresh, and calls through it failed (18/20 reached); with
 * the default 2 h TTL the hole would be 1 h 50 min in every 3 h 50 min, while the holder believes
 * it is reachable. Here a refresh replaces the reservation (its old signal cleared first, before
 * `reset()` ever ran) instead of resetting it: same slot, new expiry.
 */
export function refreshByReplacing<C, S> (factory: (components: C) => S): (components: C) => S {
  return (components) => {
    const server = factory(components)
    // Not shaped as @libp2p/circuit-relay-v2 4.2 is: left as it is (see libp2p-internals.ts).
    const store = relayServerReservations(server)
    if (store == null) return server
    const reserve = store.reserve.bind(store)
    store.reserve = (peer, addr, limit) => {
      const existing = store.get(peer)
      if (existing != null) {
        existing.signal?.clear?.()
        store.removeReservation(peer)
      }
      return reserve(peer, addr, limit)
    }
    return server
  }
}

/**
 * kad-dht must not keep relayed peers alive. It tags every peer its routing table pinged
 * successfully (any node answers libp2p's ping, DHT clients too) with a keep-alive tag, and libp2p
 * redials a peer so tagged the moment it disconnects. Between two NATed nodes that redial goes
 * through the relay and races the peer's own dial: both relayed connections then carry the same
 * address on each side, libp2p's openConnection closes each side's new one as a "Duplicate
 * multiaddr connection", and each side keeps the one the other just closed. Seen in the NAT lab
 * (one run in 10 of the lean set): B hung up on A, A redialled B at once (and again on each
 * retry), B's next ping by PeerId failed twice with "Unexpected EOF". A peer known only by relayed
 * addresses is a DHT client here (see dhtServes in libp2p.ts) and costs a circuit to keep: no tag.
 */
export function noRelayedKeepAlive<C extends { peerStore: PeerStore }, S> (factory: (components: C) => S): (components: C) => S {
  return withComponentMethod(factory, 'peerStore', 'merge', (original, peerStore) =>
    async (peer: PeerId, data: PeerData, options?: unknown) => {
      const tags = data.tags
      if (tags != null && KAD_DHT_KEEP_ALIVE_TAG in tags && tags[KAD_DHT_KEEP_ALIVE_TAG] != null && await onlyRelayed(peerStore, peer)) {
        const { [KAD_DHT_KEEP_ALIVE_TAG]: _dropped, ...rest } = tags
        return await original(peer, { ...data, tags: rest }, options)
      }
      return await original(peer, data, options)
    })
}

/** Known only by relayed (or private, unreachable from here) addresses: how a NATed peer looks. */
async function onlyRelayed (peerStore: PeerStore, peer: PeerId): Promise<boolean> {
  try {
    const addresses = (await peerStore.get(peer)).addresses.map(a => a.multiaddr)
    return addresses.some(a => Circuit.matches(a)) && addresses.every(a => Circuit.matches(a) || !publicIp(a))
  } catch {
    return false
  }
}

function publicIp (addr: Multiaddr): boolean {
  const host = addr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
  return host != null && isPrivateIp(host) === false
}

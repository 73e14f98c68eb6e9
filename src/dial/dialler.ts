// Targets to connections: turn what a user typed (a PeerId, a name, a multiaddr) into a PeerId,
// dial it (known addresses first, then the DHT), and the reachability operations built on that
// (resolve, connect, ping, disconnect). Moved out of the composition root; the behaviour is the same.
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { Circuit } from '@multiformats/multiaddr-matcher'
import type { AgentLibp2p } from '../node/libp2p.ts'
import { parseTarget, type Target } from '../node/targets.ts'
import { InvalidTargetError, NotConnectedError, PeerUnreachableError } from '../node/errors.ts'
import { findPeer } from '../node/find-peer.ts'
import type { PeerPolicy } from '../policy/peer-policy.ts'
import type { ResolveOptions, ResolvedName, ClaimantInfo } from '../naming/index.ts'
import type { Logger } from '../log/logger.ts'
import { AgentwireError } from '../errors.ts'
import { asError, messageOf } from '../caught.ts'
import { pingOver } from './ping-over.ts'

export interface ResolveResult {
  name: string
  peerId: string
  addresses: string[]
  pinned: boolean
  newlyPinned: boolean
  hops: number
  /** "dns" when the domain's DNS TXT record names this PeerId. */
  verified: 'dns' | null
  /** Other PeerIds claiming this name, not followed. */
  otherClaimants: ClaimantInfo[]
  warnings: string[]
}

export interface PingResult { peerId: string, rttMs: number }
export interface ConnectResult { peerId: string, address: string, direct: boolean }

/** A target after resolution: who it is, and where to try first when we know. */
export interface ResolvedTarget { peerId: PeerId, addr?: Multiaddr, text: string }

export interface DiallerInit {
  /** Longest one dial may take, in ms (`limits.dialTimeoutMs`). */
  dialTimeoutMs: number
  /** Longest a DHT lookup for a peer's addresses may take, in ms (`dht.queryTimeoutMs`). */
  queryTimeoutMs: number
}

export interface DiallerComponents {
  libp2p: Pick<AgentLibp2p, 'peerId' | 'dial' | 'hangUp' | 'getConnections' | 'peerStore' | 'services'>
  /** Quarantined peers are not dialled. */
  policy: Pick<PeerPolicy, 'isQuarantined' | 'quarantinedUntil'>
  /** Names to PeerIds (the naming layer). */
  names: { resolve: (name: string, options?: ResolveOptions) => Promise<ResolvedName> }
  logger: Logger
}

export class Dialler {
  private readonly c: DiallerComponents
  private readonly init: DiallerInit
  private readonly log: Logger

  constructor (components: DiallerComponents, init: DiallerInit) {
    this.c = components
    this.init = init
    this.log = components.logger.child({ component: 'dial' })
  }

  /** Turn what a user typed into a PeerId (and maybe an address). Names need the DHT (naming layer). */
  async resolveTarget (text: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedTarget> {
    const target: Target = parseTarget(text)
    switch (target.kind) {
      case 'peerId': return { peerId: target.peerId, text }
      case 'multiaddr':
        // `/p2p/<PeerId>` alone names a peer without saying where it is: look it up like a PeerId.
        if (target.peerId != null && target.addr.getComponents().length === 1) return { peerId: target.peerId, text }
        if (target.peerId == null) throw new InvalidTargetError(text, 'the multiaddr has no /p2p/<PeerId>, so the node could not check who answers')
        return { peerId: target.peerId, addr: target.addr, text }
      case 'name': {
        const resolved = await this.c.names.resolve(target.name, options)
        return { peerId: peerIdFromString(resolved.peerId), text }
      }
    }
  }

  /** Resolve a name to a PeerId (pinning it on first use) and the addresses known for it. */
  async resolve (name: string, options: ResolveOptions = {}): Promise<ResolveResult> {
    const target = parseTarget(name)
    if (target.kind !== 'name') throw new InvalidTargetError(name, 'resolve takes a name; PeerIds and multiaddrs need no resolving')
    // The resolve command lists every claimant, so it walks the whole query (targets stop early).
    const resolved = await this.c.names.resolve(target.name, { thorough: true, ...options })
    const peerId = peerIdFromString(resolved.peerId)
    let addresses = await this.knownAddresses(peerId)
    if (addresses.length === 0) {
      try {
        addresses = (await findPeer(this.c.libp2p, peerId, this.init.queryTimeoutMs, options.signal)).multiaddrs.map(a => a.toString())
      } catch (err) {
        // The name resolved; an unknown address is not an error here.
        this.log.debug({ peer: resolved.peerId, err: messageOf(err) }, 'resolved a name, but found no address for it')
      }
    }
    return { ...resolved, addresses }
  }

  private async knownAddresses (peerId: PeerId): Promise<string[]> {
    try {
      return (await this.c.libp2p.peerStore.get(peerId)).addresses.map(a => a.multiaddr.toString())
    } catch (err) {
      // NotFoundError: a peer we never heard of. Anything else is logged, and still means "none known".
      if (!(err instanceof Error && err.name === 'NotFoundError')) this.log.debug({ peer: peerId.toString(), err: messageOf(err) }, 'peer store lookup failed')
      return []
    }
  }

  /** Open (or reuse) a connection to a target. */
  async connect (text: string, options: { signal?: AbortSignal } = {}): Promise<ConnectResult> {
    const target = await this.resolveTarget(text, options)
    const conn = await this.dial(target, options)
    return { peerId: conn.remotePeer.toString(), address: conn.remoteAddr.toString(), direct: !Circuit.matches(conn.remoteAddr) }
  }

  /**
   * Connect to a resolved target. An explicit multiaddr is dialled as given. A PeerId is dialled at
   * its known addresses; when there are none, or they fail (the peer moved), its current addresses
   * are looked up in the DHT and dialled once more.
   */
  async dial (target: ResolvedTarget, options: { signal?: AbortSignal } = {}): Promise<Connection> {
    if (target.peerId.equals(this.c.libp2p.peerId)) {
      throw new AgentwireError('SELF_TARGET', `${target.text} is this node itself`, 'give the PeerId, name or address of another node (a local agent is reached directly, not through its own node)')
    }
    if (this.c.policy.isQuarantined(target.peerId.toString())) {
      const until = this.c.policy.quarantinedUntil(target.peerId.toString())
      throw new AgentwireError('PEER_QUARANTINED', `${target.text} is quarantined${until != null ? ` until ${new Date(until).toISOString()}` : ''} for misbehaving`,
        `see why with \`agentwire reputation ${target.peerId.toString()}\`; lift it deliberately with \`agentwire reputation unquarantine ${target.peerId.toString()}\``)
    }
    if (target.addr != null) return await this.dialOnce(target, target.addr, options)
    // Only open connections: a relayed one that DCUtR is replacing may still be listed while it closes.
    const existing = this.c.libp2p.getConnections(target.peerId).filter(c => c.status === 'open')
    if (existing.length > 0) return existing.find(c => !Circuit.matches(c.remoteAddr)) ?? existing[0]
    let firstError: Error | undefined
    if ((await this.knownAddresses(target.peerId)).length > 0) {
      try {
        return await this.dialOnce(target, target.peerId, options)
      } catch (err) {
        firstError = asError(err)
      }
    }
    await findPeer(this.c.libp2p, target.peerId, this.init.queryTimeoutMs, options.signal)
    try {
      return await this.dialOnce(target, target.peerId, options)
    } catch (err) {
      throw new PeerUnreachableError(target.text, `${firstError != null ? `known addresses failed (${firstError.message}); ` : ''}addresses from the DHT failed too (${messageOf(err)})`)
    }
  }

  private async dialOnce (target: ResolvedTarget, to: PeerId | Multiaddr, options: { signal?: AbortSignal }): Promise<Connection> {
    const signal = anySignal(options.signal, this.init.dialTimeoutMs)
    try {
      return await this.c.libp2p.dial(to, { signal })
    } catch (err) {
      const reason = signal.aborted ? `no connection within ${this.init.dialTimeoutMs} ms` : messageOf(err)
      throw new PeerUnreachableError(target.text, reason)
    }
  }

  async ping (text: string, options: { signal?: AbortSignal } = {}): Promise<PingResult> {
    const target = await this.resolveTarget(text, options)
    let lastError: Error | undefined
    // Two tries: DCUtR closes the relayed connection the moment the direct one exists, which can
    // cut a ping in flight; the second try runs on whichever connection is there now.
    for (let attempt = 0; attempt < 2; attempt++) {
      const conn = await this.dial(target, options)
      // Each try has its own deadline, starting after the dial (which may have spent its time on a
      // DHT lookup); half the dial timeout, so a ping stuck on a connection being swapped out leaves
      // time for the second try.
      const signal = anySignal(options.signal, Math.ceil(this.init.dialTimeoutMs / 2))
      try {
        // Over the connection just dialled: ping(peerId) would dial a second circuit beside a
        // relayed one (see ping-over.ts).
        const rtt = await pingOver(conn, signal)
        return { peerId: conn.remotePeer.toString(), rttMs: Math.round(rtt * 100) / 100 }
      } catch (err) {
        lastError = asError(err)
        // The caller gave up: stop. Otherwise the connection may have been swapped under the ping
        // (the relayed one closing as the direct one opens): try once more.
        if (options.signal?.aborted === true) break
      }
    }
    throw new PeerUnreachableError(text, `connected, but ping failed: ${String(lastError?.message)}`)
  }

  async disconnect (text: string): Promise<{ peerId: string, closed: number }> {
    const target = await this.resolveTarget(text)
    const conns = this.c.libp2p.getConnections(target.peerId)
    if (conns.length === 0) throw new NotConnectedError(text)
    await this.c.libp2p.hangUp(target.peerId)
    return { peerId: target.peerId.toString(), closed: conns.length }
  }
}

export function dialler (init: DiallerInit): (components: DiallerComponents) => Dialler {
  return (components) => new Dialler(components, init)
}

function anySignal (signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal == null ? timeout : AbortSignal.any([signal, timeout])
}

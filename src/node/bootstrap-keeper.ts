// Keep the bootstrap peers connected: dial them at start, and again whenever the connection is
// lost, with a per-peer backoff. libp2p's own reconnect queue gives up after a few tries; a network
// must heal however long a bootstrap node was down.
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { AgentLibp2p } from './libp2p.ts'
import type { Logger } from '../log/logger.ts'
import { messageOf } from '../caught.ts'

/** The PeerId a bootstrap address ends in (the config schema requires one: a node must know whom it dials). */
function peerIdOf (addr: Multiaddr): PeerId {
  const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
  if (id == null) throw new TypeError(`bootstrap address ${addr.toString()} has no /p2p/<PeerId>`)
  return peerIdFromString(id)
}

/** How often we look for lost bootstrap connections. */
const CHECK_INTERVAL_MS = 5_000
/** Backoff bounds between attempts at one unreachable bootstrap peer. */
const MIN_BACKOFF_MS = 1_000
const MAX_BACKOFF_MS = 60_000

interface Entry { addr: Multiaddr, peerId: PeerId, backoffMs: number, nextAttempt: number, dialling: boolean }

export class BootstrapKeeper {
  private readonly entries: Entry[]
  private readonly libp2p: AgentLibp2p
  private readonly log: Logger
  private readonly dialTimeoutMs: number
  private timer: ReturnType<typeof setInterval> | undefined

  constructor (libp2p: AgentLibp2p, addrs: string[], log: Logger, dialTimeoutMs: number) {
    this.libp2p = libp2p
    this.log = log
    this.dialTimeoutMs = dialTimeoutMs
    const self = libp2p.peerId.toString()
    this.entries = addrs
      .map(a => multiaddr(a))
      .map(addr => ({ addr, peerId: peerIdOf(addr), backoffMs: MIN_BACKOFF_MS, nextAttempt: 0, dialling: false }))
      .filter(e => e.peerId.toString() !== self) // a bootstrap node may list itself in a shared config
  }

  start (): void {
    if (this.entries.length === 0) return
    this.check()
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  /** How many bootstrap peers the config names (not counting this node itself). */
  configured (): number {
    return this.entries.length
  }

  /** How many bootstrap peers are connected right now. */
  connected (): number {
    return this.entries.filter(e => this.libp2p.getConnections(e.peerId).length > 0).length
  }

  private check (): void {
    const now = Date.now()
    for (const entry of this.entries) {
      if (entry.dialling || now < entry.nextAttempt) continue
      if (this.libp2p.getConnections(entry.peerId).length > 0) {
        entry.backoffMs = MIN_BACKOFF_MS
        continue
      }
      entry.dialling = true
      this.libp2p.dial(entry.addr, { signal: AbortSignal.timeout(this.dialTimeoutMs) }).then(() => {
        entry.backoffMs = MIN_BACKOFF_MS
        this.log.debug({ peer: entry.addr.toString() }, 'connected to bootstrap peer')
      }, (err: unknown) => {
        entry.nextAttempt = Date.now() + entry.backoffMs
        entry.backoffMs = Math.min(entry.backoffMs * 2, MAX_BACKOFF_MS)
        this.log.debug({ peer: entry.addr.toString(), err: messageOf(err) }, 'bootstrap peer unreachable; will retry')
      }).finally(() => { entry.dialling = false })
    }
  }
}

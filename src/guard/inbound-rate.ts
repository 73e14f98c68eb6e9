// Inbound connections per second, per remote host: libp2p's own per-host limit
// (`inboundConnectionThreshold`), except that a relayed connection counts for the peer behind the
// relay, not for the relay. libp2p keys on the IP at the front of the remote address, which for a
// relayed (or private-to-private WebRTC) connection is the relay's: every peer reaching a NATed
// node through its relay shared one budget of 5 connections a second, and the sixth was refused
// ("inboundConnectionThreshold exceeded by host <relay IP>"; the NAT lab's relayed pings failed on
// it). The relay itself caps what one of its clients may open, and InboundSlots caps the relayed
// connections still upgrading per relay.
import type { MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { addressKey } from './address-key.ts'
import { RateLimiter } from './rate-limiter.ts'

export interface InboundRateInit {
  /** Inbound connections one host (or one relayed peer) may open per second. @default 5 */
  perSecond?: number
}

/** Hosts (and relayed peers) remembered at once, oldest forgotten first. */
const MAX_KEYS = 10_000

/** Who an inbound connection counts for: its IP (an IPv6 /64), or the relay and the peer behind it. */
export function inboundRateKey (addr: Multiaddr): string {
  const components = addr.getComponents()
  const circuit = components.findIndex(c => c.name === 'p2p-circuit')
  if (circuit < 0) return addressKey(addr)
  const peer = components.slice(circuit).find(c => c.name === 'p2p')?.value ?? 'unknown'
  return `${addressKey(addr)}/${peer}`
}

export class InboundRate {
  private readonly limiter: RateLimiter

  constructor (init: InboundRateInit = {}) {
    const perSecond = init.perSecond ?? 5
    this.limiter = new RateLimiter({ burst: perSecond, perMinute: perSecond * 60, maxKeys: MAX_KEYS })
  }

  /** Count a new inbound connection; false when its host (or relayed peer) is over its rate. */
  take (maConn: Pick<MultiaddrConnection, 'remoteAddr'>, now = Date.now()): boolean {
    return this.limiter.take(inboundRateKey(maConn.remoteAddr), now)
  }
}

// Per-address caps on inbound connections still upgrading (Noise + yamux). libp2p caps them only in
// total (`maxIncomingPendingConnections`), so a few hosts opening silent TCP sockets held every slot
// until the upgrade timeout and no honest peer could connect. Wired into the connection gater: a
// slot is taken when a socket arrives and given back when it is upgraded or closed.
import type { MultiaddrConnection } from '@libp2p/interface'
import { addressKey } from './address-key.ts'

export interface InboundSlotsInit {
  /** Inbound connections one address may have upgrading at once. @default 8 */
  maxPerAddress?: number
}

export class InboundSlots {
  private readonly maxPerAddress: number
  private readonly pending = new Map<string, number>()
  private readonly held = new WeakMap<MultiaddrConnection, string>()

  constructor (init: InboundSlotsInit = {}) {
    this.maxPerAddress = init.maxPerAddress ?? 8
  }

  /** Take a slot for a new inbound socket; false when its address already holds its share. */
  take (maConn: MultiaddrConnection): boolean {
    const key = addressKey(maConn.remoteAddr)
    const n = this.pending.get(key) ?? 0
    if (n >= this.maxPerAddress) return false
    this.pending.set(key, n + 1)
    this.held.set(maConn, key)
    // Whichever comes first, upgraded (see `release`) or closed (failed, timed out), frees it.
    maConn.addEventListener('close', () => { this.release(maConn) }, { once: true })
    return true
  }

  /** Give a socket's slot back (idempotent). */
  release (maConn: MultiaddrConnection): void {
    const key = this.held.get(maConn)
    if (key == null) return
    this.held.delete(maConn)
    const n = (this.pending.get(key) ?? 1) - 1
    if (n <= 0) this.pending.delete(key)
    else this.pending.set(key, n)
  }

  /** Sockets upgrading now, per address (for tests and `status`). */
  snapshot (): Record<string, number> {
    return Object.fromEntries(this.pending)
  }
}

// Replay protection: a message is accepted once. Nonces are remembered (in memory and in the
// datastore, so a restart opens no replay window) for as long as the clock window would still
// accept their timestamp; after that the timestamp check refuses them anyway.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import { AgentwireError, type ErrorCode } from '../errors.ts'

export interface NonceGuardInit {
  /** Datastore prefix, one per protocol. */
  prefix: string
  /** Accepted distance between a message's timestamp and our clock, in ms. */
  clockWindowMs: number
  /** Most nonces held; past this, new messages are refused rather than old nonces forgotten. @default 100000 */
  maxNonces?: number
}

export class ReplayError extends AgentwireError {
  static override name = 'ReplayError'
  constructor (code: ErrorCode, message: string, hint?: string) {
    super(code, message, hint)
    this.name = 'ReplayError'
  }
}

export class NonceGuard {
  private readonly seen = new Map<string, number>()
  private readonly datastore: Datastore
  private readonly init: Required<NonceGuardInit>

  constructor (datastore: Datastore, init: NonceGuardInit) {
    this.datastore = datastore
    this.init = { maxNonces: 100_000, ...init }
  }

  /** Load nonces still inside the window (after a restart) and drop expired ones from disk. */
  async load (now = Date.now()): Promise<void> {
    for await (const { key, value } of this.datastore.query({ prefix: this.init.prefix })) {
      const ts = Number(toString(value))
      if (now - ts > 2 * this.init.clockWindowMs) await this.datastore.delete(key)
      else this.seen.set(key.toString().slice(this.init.prefix.length), ts)
    }
  }

  /**
   * Accept a (nonce, ts) pair once; throws ReplayError for a replay, a stale or future timestamp,
   * or when the guard is full. Resolves once the nonce is on disk.
   */
  async check (nonce: string, ts: number, now = Date.now()): Promise<void> {
    if (Math.abs(now - ts) > this.init.clockWindowMs) {
      throw new ReplayError('STALE_MESSAGE', `message timestamp is ${Math.round((now - ts) / 1000)} s from this node's clock (window ±${this.init.clockWindowMs / 1000} s)`, 'check both machines\' clocks (NTP)')
    }
    if (this.seen.has(nonce)) throw new ReplayError('REPLAYED_MESSAGE', 'this message was already received (replay refused)')
    this.prune(now)
    if (this.seen.size >= this.init.maxNonces) throw new ReplayError('BUSY', 'too many recent messages to remember; try again shortly')
    this.seen.set(nonce, ts)
    await this.datastore.put(new Key(this.init.prefix + nonce), fromString(String(ts)))
  }

  private prune (now: number): void {
    for (const [nonce, ts] of this.seen) {
      // Insertion order is arrival order; timestamps may be slightly out of order, which only
      // means a few nonces live a little longer.
      if (now - ts <= 2 * this.init.clockWindowMs) break
      this.seen.delete(nonce)
      Promise.resolve(this.datastore.delete(new Key(this.init.prefix + nonce))).catch(() => {})
    }
  }
}

// Replay protection: a message is accepted once. Nonces are remembered (in memory and in the
// datastore, so a restart opens no replay window) for as long as the clock window would still
// accept their timestamp; after that the timestamp check refuses them anyway.
import type { Logger } from '../log/logger.ts'
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
  /** Where a failed delete of an expired nonce is noted. @default nowhere */
  log?: Pick<Logger, 'debug'>
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
  private readonly init: Required<Omit<NonceGuardInit, 'log'>> & Pick<NonceGuardInit, 'log'>
  /** Group commit: nonces (and expired ones to drop) waiting for the next batch write. */
  private readonly unwritten: Array<[Key, Uint8Array]> = []
  private readonly expired: Key[] = []
  /** The batch write in flight, and the one that will take everything queued meanwhile. */
  private writing: Promise<void> = Promise.resolve()
  private nextWrite: Promise<void> | undefined

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
    await this.persist(new Key(this.init.prefix + nonce), fromString(String(ts)))
  }

  /**
   * Resolve once `key` is in the datastore. Checks that arrive while a write runs share the next
   * batch, so concurrent calls cost one LevelDB write together, not one each.
   */
  private async persist (key: Key, value: Uint8Array): Promise<void> {
    this.unwritten.push([key, value])
    if (this.nextWrite == null) {
      this.nextWrite = this.writing.then(async () => {
        this.nextWrite = undefined
        const batch = this.datastore.batch()
        for (const [k, v] of this.unwritten.splice(0)) batch.put(k, v)
        for (const k of this.expired.splice(0)) batch.delete(k)
        await batch.commit()
      })
      // Every waiter sees a failed batch through nextWrite; the chain itself only orders writes.
      this.writing = this.nextWrite.catch(() => {})
    }
    await this.nextWrite
  }

  private prune (now: number): void {
    for (const [nonce, ts] of this.seen) {
      // Insertion order is arrival order; timestamps may be slightly out of order, which only
      // means a few nonces live a little longer.
      if (now - ts <= 2 * this.init.clockWindowMs) break
      this.seen.delete(nonce)
      // Dropped with the next batch write; load() also drops whatever a crash left behind.
      this.expired.push(new Key(this.init.prefix + nonce))
    }
  }
}

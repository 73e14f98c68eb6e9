// What a DHT server keeps for names. kad-dht stores whatever a PUT_VALUE carries under the record's
// key, replacing what was there (last writer wins, whoever signed it). This wrapper around the
// datastore given to libp2p turns that write into a merge for name keys: each claimant's newest
// valid claim is kept, a claim never evicts another claimant, and the whole store is bounded
// (claimants per name, names per claimant, names and claims in all). Expired claims are removed on
// read and by a periodic sweep. Other keys pass through untouched.
import { Libp2pRecord } from '@libp2p/record'
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { Logger } from '../log/logger.ts'
import { encodeClaimSet, nameOfKey, parseClaimSet, verifyClaimSet, type Claim } from './name-record.ts'
import { NameClaimRefusedError, InvalidNameRecordError } from './errors.ts'
import {
  DHT_RECORD_PREFIX, MAX_CLAIMANTS_PER_NAME, MAX_NAMES_PER_CLAIMANT, MAX_STORED_CLAIMS, MAX_STORED_NAMES, NAME_KEY_PREFIX, NAME_SWEEP_INTERVAL_MS
} from './constants.ts'

export interface ClaimStoreInit {
  /** @default MAX_CLAIMANTS_PER_NAME (16) */
  maxClaimantsPerName?: number
  /** @default MAX_NAMES_PER_CLAIMANT (8) */
  maxNamesPerClaimant?: number
  /** @default MAX_STORED_NAMES (4096) */
  maxNames?: number
  /** @default MAX_STORED_CLAIMS (8192) */
  maxClaims?: number
  /** How often expired claims are swept, in ms. @default NAME_SWEEP_INTERVAL_MS (5 min) */
  sweepIntervalMs?: number
  log?: Logger
}

export interface ClaimStoreStats {
  names: number
  claims: number
  /** Claims refused since start, by reason. */
  refused: Record<string, number>
  /** Expired claims removed since start. */
  expired: number
}

// Fast filter: every name key's base32 form starts with the encoding of the namespace prefix.
// 16 bytes = 128 bits; the first 25 base32 characters (125 bits) depend on the prefix alone.
const NAME_KEY_B32 = toString(fromString(NAME_KEY_PREFIX), 'base32').slice(0, 25)

export class ClaimStore {
  /** The datastore to hand to libp2p: name-record writes merge, reads drop expired claims. */
  readonly datastore: Datastore
  private readonly inner: Datastore
  private readonly limits: Required<Omit<ClaimStoreInit, 'log'>>
  private readonly log: Logger | undefined
  /** datastore key → (PeerId → expiresAt) of what is stored: the index the caps are checked against. */
  private readonly index = new Map<string, Map<string, number>>()
  private readonly namesPerClaimant = new Map<string, number>()
  private claims = 0
  private expired = 0
  private readonly refused: Record<string, number> = {}
  /** One merge at a time per key: two PUTs for one name must not both read the old set. */
  private readonly locks = new Map<string, Promise<unknown>>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor (inner: Datastore, init: ClaimStoreInit = {}) {
    this.inner = inner
    this.log = init.log
    this.limits = {
      maxClaimantsPerName: init.maxClaimantsPerName ?? MAX_CLAIMANTS_PER_NAME,
      maxNamesPerClaimant: init.maxNamesPerClaimant ?? MAX_NAMES_PER_CLAIMANT,
      maxNames: init.maxNames ?? MAX_STORED_NAMES,
      maxClaims: init.maxClaims ?? MAX_STORED_CLAIMS,
      sweepIntervalMs: init.sweepIntervalMs ?? NAME_SWEEP_INTERVAL_MS
    }
    const put = async (key: Key, value: Uint8Array, options?: Parameters<Datastore['put']>[2]): Promise<Key> => {
      if (!isNameRecordKey(key)) return await inner.put(key, value, options)
      await this.merge(key, value)
      return key
    }
    const get = async (key: Key, options?: Parameters<Datastore['get']>[1]): Promise<Uint8Array> => {
      if (!isNameRecordKey(key)) return await inner.get(key, options)
      return await this.read(key)
    }
    this.datastore = new Proxy(inner, {
      get (target, prop): unknown {
        if (prop === 'put') return put
        if (prop === 'get') return get
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  /** Build the index from what is on disk (bounded by the caps it enforces), and start sweeping. */
  async start (): Promise<void> {
    for await (const key of this.inner.queryKeys({ prefix: DHT_RECORD_PREFIX.slice(0, -1) })) {
      if (!isNameRecordKey(key)) continue
      await this.lock(key.toString(), async () => { await this.load(key) })
    }
    this.timer = setInterval(() => { this.sweep().catch((err: unknown) => this.log?.warn({ err }, 'name sweep failed')) }, this.limits.sweepIntervalMs)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  stats (): ClaimStoreStats {
    return { names: this.index.size, claims: this.claims, refused: { ...this.refused }, expired: this.expired }
  }

  /** Remove expired claims everywhere now. Returns how many were removed. */
  async sweep (now = Date.now()): Promise<number> {
    const before = this.expired
    for (const [k, claimants] of [...this.index]) {
      if ([...claimants.values()].some(exp => exp <= now)) {
        await this.lock(k, async () => { await this.load(new Key(k, false), now) })
      }
    }
    return this.expired - before
  }

  private async lock<T> (k: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(k) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    // The lock only orders work per key; `fn`'s error reaches its caller through `await run` below.
    const tail = run.catch(() => { /* reported to the caller below */ })
    this.locks.set(k, tail)
    void tail.then(() => { if (this.locks.get(k) === tail) this.locks.delete(k) })
    return await run
  }

  /** Read the stored set, drop expired or malformed claims (rewriting or deleting it), and index it. */
  private async load (key: Key, now = Date.now()): Promise<{ record: Libp2pRecord, claims: Claim[] } | undefined> {
    const k = key.toString()
    let raw: Uint8Array
    try {
      raw = await this.inner.get(key)
    } catch (err) {
      if (!isNotFound(err)) throw err
      this.setIndex(k, [])
      return undefined
    }
    let record: Libp2pRecord
    let claims: Claim[] = []
    let total = 0
    try {
      record = Libp2pRecord.deserialize(raw)
      const all = parseClaimSet(record.value)
      total = all.length
      // Stored claims were verified when merged: here only expiry changes, so skip the signatures.
      claims = all.filter(c => Number.isSafeInteger(c.expiresAt) && c.expiresAt > now)
    } catch {
      await this.inner.delete(key) // not something we wrote: planted or from an older version
      this.setIndex(k, [])
      return undefined
    }
    if (claims.length < total) {
      this.expired += total - claims.length
      if (claims.length === 0) await this.inner.delete(key)
      else await this.inner.put(key, new Libp2pRecord(record.key, encodeClaimSet(claims), record.timeReceived).serialize())
    }
    this.setIndex(k, claims)
    return claims.length > 0 ? { record, claims } : undefined
  }

  private async read (key: Key): Promise<Uint8Array> {
    return await this.lock(key.toString(), async () => {
      const loaded = await this.load(key)
      if (loaded == null) throw notFound()
      return new Libp2pRecord(loaded.record.key, encodeClaimSet(loaded.claims), loaded.record.timeReceived).serialize()
    })
  }

  private async merge (key: Key, value: Uint8Array): Promise<void> {
    const incoming = Libp2pRecord.deserialize(value)
    const name = nameOfKey(incoming.key)
    if (name == null) throw new InvalidNameRecordError('not a name key')
    const now = Date.now()
    // Every claim is checked here, whatever the kad-dht validator let through (it needs only one good claim).
    const { valid, refused: invalid } = await verifyClaimSet(incoming.value, name, now)
    if (valid.length === 0) throw new InvalidNameRecordError(invalid[0] ?? 'no valid claim')
    await this.lock(key.toString(), async () => {
      const stored = await this.load(key, now)
      const byPeer = new Map((stored?.claims ?? []).map(c => [c.peerId, c]))
      const newName = stored == null
      const refusals: string[] = []
      let changed = false
      let added = 0
      for (const claim of valid) {
        const { firstSeen: _ignored, ...fresh } = claim // first-seen is this server's own observation, never the sender's
        const mine = byPeer.get(claim.peerId)
        if (mine != null) {
          // A claimant's newer claim replaces its own older one, and nothing else.
          if (claim.seq > mine.seq) {
            byPeer.set(claim.peerId, { ...fresh, firstSeen: mine.firstSeen ?? now })
            changed = true
          }
          continue
        }
        const reason = this.refuseNew(byPeer.size, claim.peerId, newName, added)
        if (reason != null) {
          refusals.push(reason)
          this.refused[reason.split(':')[0]] = (this.refused[reason.split(':')[0]] ?? 0) + 1
          continue
        }
        byPeer.set(claim.peerId, { ...fresh, firstSeen: now })
        added++
        changed = true
      }
      if (!changed) {
        if (refusals.length > 0) throw new NameClaimRefusedError(refusals[0])
        return // a replay or an older claim: nothing to store, and nothing wrong with the sender
      }
      const claims = [...byPeer.values()]
      await this.inner.put(key, new Libp2pRecord(incoming.key, encodeClaimSet(claims), new Date()).serialize())
      this.setIndex(key.toString(), claims)
    })
  }

  /** Why a new claimant cannot be stored, or undefined when it can. Incumbents are never evicted. */
  private refuseNew (claimantsHere: number, peerId: string, isNewName: boolean, addedInThisMerge: number): string | undefined {
    if (claimantsHere >= this.limits.maxClaimantsPerName) return `name-full: this name already has ${claimantsHere} claimants on this server`
    if ((this.namesPerClaimant.get(peerId) ?? 0) >= this.limits.maxNamesPerClaimant) return `claimant-full: ${peerId} already holds ${this.limits.maxNamesPerClaimant} names on this server`
    if (this.claims + addedInThisMerge >= this.limits.maxClaims) return `store-full: this server holds ${this.claims} name claims, its limit`
    if (isNewName && this.index.size >= this.limits.maxNames) return `store-full: this server holds ${this.index.size} names, its limit`
    return undefined
  }

  private setIndex (k: string, claims: Claim[]): void {
    const old = this.index.get(k)
    for (const peerId of old?.keys() ?? []) {
      const n = (this.namesPerClaimant.get(peerId) ?? 1) - 1
      if (n <= 0) this.namesPerClaimant.delete(peerId)
      else this.namesPerClaimant.set(peerId, n)
      this.claims--
    }
    if (claims.length === 0) {
      this.index.delete(k)
      return
    }
    this.index.set(k, new Map(claims.map(c => [c.peerId, c.expiresAt])))
    for (const c of claims) {
      this.namesPerClaimant.set(c.peerId, (this.namesPerClaimant.get(c.peerId) ?? 0) + 1)
      this.claims++
    }
  }
}

export function isNameRecordKey (key: Key): boolean {
  const text = key.toString()
  if (!text.startsWith(DHT_RECORD_PREFIX)) return false
  const encoded = text.slice(DHT_RECORD_PREFIX.length)
  if (!encoded.startsWith(NAME_KEY_B32)) return false
  try {
    return nameOfKey(fromString(encoded, 'base32')) != null
  } catch {
    return false
  }
}

/** The datastore's "no such key" error (it is tested by `name`, as kad-dht does). */
export function isNotFound (err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'NotFoundError'
}

/** The datastore's own "no such key" (kad-dht tests `err.name`), without importing interface-store directly. */
function notFound (): Error {
  const err = new Error('Not Found')
  err.name = 'NotFoundError'
  return err
}

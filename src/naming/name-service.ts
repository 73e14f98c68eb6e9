// Publishing this node's name and resolving others' names through the DHT, with pinning.
// Resolution is collect → verify → choose: every claimant the DHT returns is checked, then a pinned
// or trusted PeerId is preferred, and a change of owner is never followed silently.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { Logger } from '../log/logger.ts'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { nameKey, signNameRecord, verifyNameRecord, type NameRecord } from './name-record.ts'
import { NamePins } from './pins.ts'
import { NameNotFoundError, NamePinConflictError } from './errors.ts'
import {
  EARLY_REPUBLISH_MS, NAME_RECORD_TTL_MS, NAME_REPUBLISH_INTERVAL_MS, PUBLISH_RETRY_MAX_MS, PUBLISH_RETRY_MIN_MS, SEQ_KEY
} from './constants.ts'

export interface NameServiceComponents {
  libp2p: AgentLibp2p
  privateKey: PrivateKey
  peerId: PeerId
  datastore: Datastore
  log: Logger
}

export interface NameServiceInit {
  /** This node's own name; nothing is published without one. */
  name?: string
  /** Longest a lookup may take, in ms. @default 10000 */
  queryTimeoutMs?: number
  /** Whether a PeerId is one this node already trusts (preferred among claimants). */
  isTrusted?: (peerId: string) => boolean | Promise<boolean>
}

export interface ResolveOptions {
  /** Replace an existing pin with the claimant the DHT returns now. */
  acceptNew?: boolean
  signal?: AbortSignal
}

export interface ResolvedName {
  name: string
  peerId: string
  /** True when this answer matches (or just created) the pin for this name. */
  pinned: boolean
  /** True when this resolution created the pin (first use) or replaced it (--accept-new). */
  newlyPinned: boolean
  /** DHT hops: peers that answered during the lookup. */
  hops: number
}

export class NameService {
  private readonly components: NameServiceComponents
  private readonly init: NameServiceInit
  private readonly pins: NamePins
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private publishing: Promise<void> | undefined
  private retryDelay = PUBLISH_RETRY_MIN_MS
  /** Successful publishes since start: spaces the early republishes. */
  private published = 0
  /** Aborts the background publish at stop, so a DHT put with nobody to answer cannot hold shutdown for its full timeout. */
  private readonly stopping = new AbortController()
  /** PeerId → name, from this node's resolutions; bounded by how many names an operator uses. */
  private readonly namesByPeer = new Map<string, string>()
  /** The last record this node published; what `info` and tests can look at. */
  lastPublished: (NameRecord & { peersReached: number }) | undefined

  constructor (components: NameServiceComponents, init: NameServiceInit) {
    this.components = components
    this.init = init
    this.pins = new NamePins(components.datastore)
  }

  start (): void {
    if (this.init.name == null) return
    this.running = true
    this.schedule(0)
  }

  async stop (): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    this.stopping.abort()
    await this.publishing?.catch(() => {})
  }

  private schedule (delayMs: number): void {
    clearTimeout(this.timer)
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.publishing = this.publish({ signal: this.stopping.signal }).then(reached => {
        if (reached > 0) {
          this.retryDelay = PUBLISH_RETRY_MIN_MS
          // A young network changes fast: the peers closest to our name now may not be the
          // closest in a minute. Republish after 1, 2, 4, 8… minutes, then every interval.
          this.schedule(Math.min(NAME_REPUBLISH_INTERVAL_MS, EARLY_REPUBLISH_MS * 2 ** this.published++))
        } else {
          // Nobody to store it yet (first node of a network, bootstrap still dialling): retry soon.
          this.schedule(this.retryDelay)
          this.retryDelay = Math.min(this.retryDelay * 2, PUBLISH_RETRY_MAX_MS)
        }
      }, err => {
        this.components.log.warn({ err }, 'name publish failed')
        this.schedule(this.retryDelay)
        this.retryDelay = Math.min(this.retryDelay * 2, PUBLISH_RETRY_MAX_MS)
      })
    }, delayMs)
    this.timer.unref?.()
  }

  /** Publish (or republish) this node's name now. Returns how many DHT peers accepted it. */
  async publish (options: { signal?: AbortSignal } = {}): Promise<number> {
    const name = this.init.name
    if (name == null) return 0
    const seq = await this.nextSeq()
    const record: NameRecord = { name, peerId: this.components.peerId.toString(), seq, expiresAt: Date.now() + NAME_RECORD_TTL_MS }
    const value = await signNameRecord(this.components.privateKey, record)
    const signal = this.withTimeout(options.signal)
    let reached = 0
    try {
      for await (const event of this.components.libp2p.services.dht.put(nameKey(name), value, { signal })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') reached++
      }
    } catch (err: any) {
      if (!signal.aborted) throw err
    }
    this.lastPublished = { ...record, peersReached: reached }
    this.components.log.info({ name, seq, peersReached: reached }, 'name published')
    return reached
  }

  /** seq only ever grows, even across restarts and clock steps, so our newest record always wins. */
  private async nextSeq (): Promise<number> {
    let last = 0
    try { last = Number(toString(await this.components.datastore.get(new Key(SEQ_KEY)))) } catch {}
    const seq = Math.max(Date.now(), last + 1)
    await this.components.datastore.put(new Key(SEQ_KEY), fromString(String(seq)))
    return seq
  }

  /**
   * Valid records the DHT (and our own store) holds for a name, newest per PeerId. The walk stops
   * early once `enough` says the records seen so far settle the question; otherwise it runs to the
   * end of the query (every closest peer), which costs several times more.
   */
  async lookup (name: string, options: { signal?: AbortSignal, enough?: (claimants: NameRecord[]) => boolean } = {}): Promise<{ claimants: NameRecord[], hops: number, errors: number }> {
    const done = new AbortController()
    const timeout = this.withTimeout(options.signal)
    const signal = AbortSignal.any([timeout, done.signal])
    const newest = new Map<string, NameRecord>()
    let hops = 0
    let errors = 0
    const consider = async (value: Uint8Array | undefined): Promise<void> => {
      if (value == null) return
      try {
        const record = await verifyNameRecord(value)
        if (record.name !== name) return
        const seen = newest.get(record.peerId)
        if (seen == null || record.seq > seen.seq) newest.set(record.peerId, record)
      } catch {
        errors++ // forged, expired or malformed: never chosen
      }
    }
    try {
      for await (const event of this.components.libp2p.services.dht.get(nameKey(name), { signal })) {
        if (event.name === 'PEER_RESPONSE') {
          hops++
          await consider(event.record?.value)
        } else if (event.name === 'VALUE') {
          await consider(event.value)
        }
        if (options.enough?.([...newest.values()]) === true) {
          done.abort()
          break
        }
      }
    } catch (err: any) {
      // NotFound, timeouts and our own early stop just mean "what we have is all there is".
      if (err.name !== 'NotFoundError' && !signal.aborted) throw err
    }
    return { claimants: [...newest.values()], hops, errors }
  }

  async resolve (name: string, options: ResolveOptions = {}): Promise<ResolvedName> {
    if (((this.components.libp2p.services.dht as SingleKadDHT).routingTable?.size ?? 0) === 0 && this.components.libp2p.getConnections().length === 0) {
      // No DHT peer and no connection: kad-dht would hold the query for the whole timeout, and
      // nobody can answer, so say so now.
      throw new NameNotFoundError(name, 'this node knows no DHT peers to ask: add a `bootstrap` peer to its config, or `agentwire connect` to a node of the network')
    }
    const pin = await this.pins.get(name)
    // Enough is: the pinned PeerId's record (the answer, whoever else claims the name), or, with no
    // pin, a record from a PeerId this node trusts. A first resolution without either walks the
    // whole query, so it sees every claimant before pinning one.
    const enough = (claimants: NameRecord[]): boolean => options.acceptNew !== true && claimants.some(c => pin != null ? c.peerId === pin.peerId : this.init.isTrusted?.(c.peerId) === true)
    const { claimants, hops, errors } = await this.lookup(name, { ...(options.signal != null ? { signal: options.signal } : {}), enough })
    if (claimants.length === 0) {
      throw new NameNotFoundError(name, `asked ${hops} DHT peer${hops === 1 ? '' : 's'}${errors > 0 ? `, rejected ${errors} invalid record${errors === 1 ? '' : 's'}` : ''}${pin != null ? `; last known owner ${pin.peerId}` : ''}`)
    }
    if (pin != null && !options.acceptNew) {
      if (claimants.some(c => c.peerId === pin.peerId)) {
        this.namesByPeer.set(pin.peerId, name)
        return { name, peerId: pin.peerId, pinned: true, newlyPinned: false, hops }
      }
      throw new NamePinConflictError(name, pin.peerId, (await this.choose(claimants)).peerId)
    }
    const others = pin != null ? claimants.filter(c => c.peerId !== pin.peerId) : claimants
    const chosen = await this.choose(others.length > 0 ? others : claimants)
    await this.pins.set(name, chosen.peerId)
    this.namesByPeer.set(chosen.peerId, name)
    return { name, peerId: chosen.peerId, pinned: true, newlyPinned: true, hops }
  }

  /** Among several claimants: a trusted PeerId first, then the newest record. */
  private async choose (claimants: NameRecord[]): Promise<NameRecord> {
    const sorted = [...claimants].sort((a, b) => b.seq - a.seq)
    for (const c of sorted) {
      if (await this.init.isTrusted?.(c.peerId)) return c
    }
    return sorted[0]
  }

  /** The name this node last resolved to a PeerId, for display (`trust list`). */
  nameOf (peerId: string): string | undefined {
    return this.namesByPeer.get(peerId)
  }

  /** The pinned PeerId for a name, if any, without a network lookup. */
  async pinned (name: string): Promise<PeerId | undefined> {
    const pin = await this.pins.get(name)
    return pin != null ? peerIdFromString(pin.peerId) : undefined
  }

  private withTimeout (signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.init.queryTimeoutMs ?? 10_000)
    return signal != null ? AbortSignal.any([signal, timeout]) : timeout
  }
}

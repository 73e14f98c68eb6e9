// Publishing this node's name and resolving others' names, with pinning. Resolution is
// prove → collect → verify → choose: a domain's DNS proof wins outright; otherwise every claimant
// the DHT returns is checked, and the answer is the pin, else the one trusted claimant, else the
// only claimant. Several and nothing to choose by is NAME_AMBIGUOUS, never a silent pick.
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { Logger } from '../log/logger.ts'
import type { AgentLibp2p } from '../node/libp2p.ts'
import { kadRoutingTable, kadTablePeers, type KadRoutingTable } from '../node/libp2p-internals.ts'
import { DHT_MAX_WALKS } from '../node/constants.ts'
import { domainToUnicode } from 'node:url'
import { nameKey, signNameRecord, verifyClaimSet, type Claim, type NameRecord } from './name-record.ts'
import { NamePins, type NamePin } from './pins.ts'
import { DnsProofChecker, isDomainName, type DnsProofInit } from './dns-proof.ts'
import { lookalikesOf } from './lookalike.ts'
import { isNotFound } from './claim-store.ts'
import { NameAmbiguousError, NameNotFoundError, NamePickError, NamePinConflictError, type ClaimantInfo } from './errors.ts'
import {
  CLAIMANT_PROBE_TIMEOUT_MS, EARLY_REPUBLISH_MS, NAME_RECORD_TTL_MS, NAME_MIN_REPLICAS, NAME_REPUBLISH_INTERVAL_MS, PUBLISH_RETRY_MAX_MS, PUBLISH_RETRY_MIN_MS, PUBLISH_SETTLE_MS, PUBLISH_TIMEOUT_MS, SEQ_KEY, TABLE_GROWTH_REPUBLISH_FACTOR
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
  /** Whether a PeerId is one this node already trusts (chosen among claimants when nothing is pinned). */
  isTrusted?: (peerId: string) => boolean | Promise<boolean>
  /** Check names with a dot against DNS TXT `_agentwire.<name>`; undefined turns it off. @default undefined */
  dns?: DnsProofInit
  /** Try to reach a claimant (for the NAME_AMBIGUOUS report); resolves true when a connection opened. */
  probe?: (peerId: string, signal: AbortSignal) => Promise<boolean>
}

/** A claimant found in the DHT, with the median first-seen time its servers report. */
export interface FoundClaim extends NameRecord { firstSeen: number | undefined }

function info (c: FoundClaim, reachable: boolean | null): ClaimantInfo {
  return { peerId: c.peerId, firstSeen: c.firstSeen != null ? new Date(c.firstSeen).toISOString() : null, reachable }
}

function median (values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

export interface ResolveOptions {
  /** Ignore the existing pin and choose again (trusted claimant, or the only one). */
  acceptNew?: boolean
  /** Choose this claimant (a PeerId) and pin it: how an operator settles NAME_AMBIGUOUS. */
  pick?: string
  /** Walk the whole DHT query even once the answer is known, to list every other claimant. @default false */
  thorough?: boolean
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
  /** "dns" when a DNS TXT record under the domain names this PeerId; null for a DHT claim. */
  verified: 'dns' | null
  /** Other PeerIds claiming the name (seen in this lookup), which this answer did not follow. */
  otherClaimants: ClaimantInfo[]
  /** Lookalike names, punycode, other claimants: what a person should know before using the answer. */
  warnings: string[]
}

export class NameService {
  private readonly components: NameServiceComponents
  private readonly init: NameServiceInit
  private readonly pins: NamePins
  private readonly dns: DnsProofChecker | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  /** When `timer` fires (ms since epoch), undefined when no publish is scheduled. */
  private timerDue: number | undefined
  /** When the last background publish started (ms since epoch). */
  private lastAttempt = 0
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
  lastPublished: (NameRecord & { peersReached: number, tableSize: number }) | undefined

  constructor (components: NameServiceComponents, init: NameServiceInit) {
    this.components = components
    this.init = init
    this.pins = new NamePins(components.datastore)
    this.dns = init.dns != null ? new DnsProofChecker(init.dns) : undefined
  }

  start (): void {
    if (this.init.name == null) return
    this.running = true
    // Publishing before any DHT peer is known only parks a put inside kad-dht until its timeout:
    // start when the first peers arrive, and again whenever the table has changed enough.
    this.table().addEventListener('peer:add', this.onTableGrew)
    if (this.tableSize() > 0) this.schedule(0)
  }

  async stop (): Promise<void> {
    this.running = false
    this.table().removeEventListener('peer:add', this.onTableGrew)
    clearTimeout(this.timer)
    this.stopping.abort()
    // Its failure was logged where it ran; stop only waits for it to end.
    await this.publishing?.catch(() => { /* logged by the publish loop */ })
  }

  private table (): KadRoutingTable {
    return kadRoutingTable(this.components.libp2p.services.dht)
  }

  private tableSize (): number {
    return kadTablePeers(this.components.libp2p.services.dht)
  }

  /** Peers that must hold our record before a publish counts as done (fewer only in a smaller network). */
  private wanted (tableSize = this.tableSize()): number {
    return Math.max(1, Math.min(NAME_MIN_REPLICAS, tableSize))
  }

  /**
   * The routing table gained a peer. Publish soon when these are our first DHT peers (nothing was
   * stored yet), or when the table has grown enough since the last publish that the peers closest to
   * our name have changed (a forming network). Never sooner than the retry backoff allows after the
   * last attempt: on a loaded host tables flap, and a publish per flap fed the load (traced: 140
   * publishes in 20 s among 20 idle nodes, each timing out, each adding ~20 lookups).
   */
  private readonly onTableGrew = (): void => {
    if (!this.running || this.publishing != null) return
    const size = this.tableSize()
    const last = this.lastPublished
    const first = last == null || (last.peersReached === 0 && last.tableSize === 0)
    const grown = last != null && size >= Math.max(1, last.tableSize) * TABLE_GROWTH_REPUBLISH_FACTOR
    if (!first && !grown) return
    const at = Math.max(Date.now() + PUBLISH_SETTLE_MS, first ? 0 : this.lastAttempt + this.retryDelay)
    if (this.timerDue != null && this.timerDue <= at) return
    this.schedule(at - Date.now())
  }

  private schedule (delayMs: number): void {
    clearTimeout(this.timer)
    this.timerDue = undefined
    if (!this.running) return
    this.timerDue = Date.now() + delayMs
    this.timer = setTimeout(() => {
      this.timerDue = undefined
      this.lastAttempt = Date.now()
      const tableSize = this.tableSize()
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(Math.max(PUBLISH_TIMEOUT_MS, this.init.queryTimeoutMs ?? 0))])
      this.publishing = this.publish({ signal, timeoutMs: null }).then(reached => {
        this.publishing = undefined
        if (reached >= this.wanted(tableSize)) {
          this.retryDelay = PUBLISH_RETRY_MIN_MS
          // A young network changes fast: the peers closest to our name now may not be the
          // closest in a minute. Republish after 1, 2, 4, 8… minutes, then every interval
          // (and sooner when the routing table doubles: onTableGrew).
          this.schedule(Math.min(NAME_REPUBLISH_INTERVAL_MS, EARLY_REPUBLISH_MS * 2 ** this.published++))
        } else {
          // Too few peers hold it (first node of a network, bootstrap still dialling, a loaded
          // network timing out): retry soon, and at once when new peers arrive (onTableGrew).
          this.schedule(this.retryDelay)
          this.retryDelay = Math.min(this.retryDelay * 2, PUBLISH_RETRY_MAX_MS)
        }
        this.onTableGrew()
      }, (err: unknown) => {
        this.publishing = undefined
        this.components.log.warn({ err }, 'name publish failed')
        this.schedule(this.retryDelay)
        this.retryDelay = Math.min(this.retryDelay * 2, PUBLISH_RETRY_MAX_MS)
      })
    }, delayMs)
    this.timer.unref?.()
  }

  /** Publish (or republish) this node's name now. Returns how many DHT peers accepted it. */
  async publish (options: { signal?: AbortSignal, timeoutMs?: number | null } = {}): Promise<number> {
    const name = this.init.name
    if (name == null) return 0
    const seq = await this.nextSeq()
    const record: NameRecord = { name, peerId: this.components.peerId.toString(), seq, expiresAt: Date.now() + NAME_RECORD_TTL_MS }
    const value = await signNameRecord(this.components.privateKey, record)
    // timeoutMs null: the caller's signal alone bounds it (the background publish's own deadline).
    const signal = options.timeoutMs === null && options.signal != null ? options.signal : this.withTimeout(options.signal)
    const tableSize = this.tableSize()
    let reached = 0
    try {
      for await (const event of this.components.libp2p.services.dht.put(nameKey(name), value, { signal })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') reached++
      }
    } catch (err) {
      if (!signal.aborted) throw err
    }
    this.lastPublished = { ...record, peersReached: reached, tableSize }
    this.components.log.info({ name, seq, peersReached: reached }, 'name published')
    return reached
  }

  /** seq only ever grows, even across restarts and clock steps, so our newest record always wins. */
  private async nextSeq (): Promise<number> {
    let last = 0
    try {
      last = Number(toString(await this.components.datastore.get(new Key(SEQ_KEY))))
    } catch (err) {
      // NotFound: the first publish. Anything else still leaves the clock to keep seq growing.
      if (!(err instanceof Error && err.name === 'NotFoundError')) this.components.log.debug({ err }, 'could not read the last name seq')
    }
    const seq = Math.max(Date.now(), last + 1)
    await this.components.datastore.put(new Key(SEQ_KEY), fromString(String(seq)))
    return seq
  }

  /**
   * Valid claims the DHT (and our own store) holds for a name, newest per PeerId, each with the
   * median of the first-seen times the servers report. The walk stops early once `enough` says the
   * claims seen so far settle the question; otherwise it runs to the end of the query (every
   * closest peer), which costs several times more.
   */
  async lookup (name: string, options: { signal?: AbortSignal, enough?: (claimants: NameRecord[]) => boolean } = {}): Promise<{ claimants: FoundClaim[], hops: number, errors: number, unanswered: number }> {
    const done = new AbortController()
    const timeout = this.withTimeout(options.signal)
    const signal = AbortSignal.any([timeout, done.signal])
    const newest = new Map<string, Claim>()
    const firstSeen = new Map<string, number[]>()
    let hops = 0
    let errors = 0
    /** Requests that failed or timed out (kad-dht's QUERY_ERROR): a walk of only these heard nothing. */
    let unanswered = 0
    const consider = async (value: Uint8Array | undefined): Promise<void> => {
      if (value == null) return
      try {
        const { valid, refused } = await verifyClaimSet(value, name)
        errors += refused.length // forged, expired, from the future or malformed: never chosen
        for (const claim of valid) {
          const seen = newest.get(claim.peerId)
          if (seen == null || claim.seq > seen.seq) newest.set(claim.peerId, claim)
          if (claim.firstSeen != null) firstSeen.set(claim.peerId, [...(firstSeen.get(claim.peerId) ?? []), claim.firstSeen])
        }
      } catch (err) {
        this.components.log.debug({ err }, 'a DHT answer for a name could not be read')
        errors++
      }
    }
    try {
      for await (const event of this.components.libp2p.services.dht.get(nameKey(name), { signal })) {
        // Only answers to our GET count as hops; kad-dht's read-repair PUTs answer too.
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'GET_VALUE') {
          hops++
          await consider(event.record?.value)
        } else if (event.name === 'VALUE') {
          await consider(event.value)
        } else if (event.name === 'QUERY_ERROR') {
          unanswered++
        }
        if (options.enough?.([...newest.values()]) === true) {
          done.abort()
          break
        }
      }
    } catch (err) {
      // NotFound, timeouts and our own early stop just mean "what we have is all there is". So does
      // a failed read-repair: kad-dht's get, having collected every answer, PUTs the best record to
      // peers that sent an older one and throws QueryError "Could not send correction" when one
      // does not confirm (traced at 40 nodes on a loaded host: 5 of 40 resolutions lost that way
      // with the claims already in hand). The answers we read stay valid.
      const errName = err instanceof Error ? err.name : ''
      if (!isNotFound(err) && !signal.aborted && !(errName === 'QueryError' && newest.size > 0)) throw err
      if (errName === 'QueryError') this.components.log.debug({ err }, 'DHT read-repair after a name lookup failed; the answers read are kept')
    }
    const claimants = [...newest.values()].map(({ name, peerId, seq, expiresAt }) => ({ name, peerId, seq, expiresAt, firstSeen: median(firstSeen.get(peerId) ?? []) }))
    return { claimants, hops, errors, unanswered }
  }

  async resolve (name: string, options: ResolveOptions = {}): Promise<ResolvedName> {
    const warnings = await this.lookalikeWarnings(name)
    // 1. A domain's DNS proof beats every DHT claim, pins included: the domain is the authority.
    if (this.dns != null && isDomainName(name)) {
      const proof = await this.dns.check(name)
      if (proof != null) return await this.resolveVerified(name, proof.peerId, warnings, options)
    }
    if (this.tableSize() === 0 && this.components.libp2p.getConnections().length === 0) {
      // No DHT peer and no connection: kad-dht would hold the query for the whole timeout, and
      // nobody can answer, so say so now.
      throw new NameNotFoundError(name, 'this node knows no DHT peers to ask: add a `bootstrap` peer to its config, or `agentwire connect` to a node of the network')
    }
    const pin = options.acceptNew === true ? undefined : await this.pins.get(name)
    const full = options.thorough === true || options.pick != null
    // Enough is: the pinned PeerId's claim (the answer, whoever else claims the name), or, with no
    // pin, a claim from a PeerId this node trusts. A first resolution without either walks the
    // whole query, so it sees every claimant before choosing.
    const enough = (claimants: NameRecord[]): boolean => !full && claimants.some(c => pin != null ? c.peerId === pin.peerId : this.init.isTrusted?.(c.peerId) === true)
    // One deadline for every walk. A walk in which no DHT peer answered (every request failed or
    // timed out: an event-loop stall on a loaded host, issue 21) says nothing about the name: walk
    // again while time remains, DHT_MAX_WALKS at most. A walk with answers is the answer.
    const deadline = this.withTimeout(options.signal)
    let walks = 0
    let unanswered = 0
    let found: Awaited<ReturnType<NameService['lookup']>>
    do {
      walks++
      found = await this.lookup(name, { signal: deadline, enough })
      unanswered += found.unanswered
    } while (found.claimants.length === 0 && found.hops === 0 && walks < DHT_MAX_WALKS && !deadline.aborted)
    const { claimants, hops, errors } = found
    if (claimants.length === 0) {
      throw new NameNotFoundError(name, `asked ${hops} DHT peer${hops === 1 ? '' : 's'}${unanswered > 0 ? `, ${unanswered} did not answer in ${walks} walk${walks === 1 ? '' : 's'}` : ''}${errors > 0 ? `, rejected ${errors} invalid claim${errors === 1 ? '' : 's'}` : ''}${pin != null ? `; last known owner ${pin.peerId}` : ''}`)
    }
    const answer = async (chosen: string, newPin: NamePin['via'] | undefined): Promise<ResolvedName> => {
      if (newPin != null) await this.pins.set(name, chosen, newPin)
      this.namesByPeer.set(chosen, name)
      const others = claimants.filter(c => c.peerId !== chosen).map(c => info(c, null))
      if (others.length > 0) warnings.push(`${others.length} other PeerId${others.length === 1 ? '' : 's'} also claim${others.length === 1 ? 's' : ''} "${name}"; this answer is ${newPin === 'first-use' ? 'the only claimant seen' : newPin === 'pick' ? 'your pick' : newPin === 'trusted' ? 'the claimant you trust' : 'your pin'}`)
      return { name, peerId: chosen, pinned: true, newlyPinned: newPin != null, hops, verified: null, otherClaimants: others, warnings }
    }
    if (options.pick != null) {
      if (!claimants.some(c => c.peerId === options.pick)) {
        throw new NamePickError(name, options.pick, `it does not claim this name now (claimants: ${claimants.map(c => c.peerId).join(', ')})`)
      }
      return await answer(options.pick, 'pick')
    }
    // 2. The pin, while its owner's claim exists: a newcomer is reported, never followed.
    if (pin != null) {
      if (claimants.some(c => c.peerId === pin.peerId)) return await answer(pin.peerId, undefined)
      throw new NamePinConflictError(name, pin.peerId, await this.probeAll(claimants, options.signal))
    }
    // 3. A claimant this node trusts (approved through the handshake).
    const trusted: FoundClaim[] = []
    for (const c of claimants) if (await this.init.isTrusted?.(c.peerId)) trusted.push(c)
    if (trusted.length === 1) return await answer(trusted[0].peerId, 'trusted')
    if (trusted.length > 1) throw new NameAmbiguousError(name, await this.probeAll(trusted, options.signal), `${trusted.length} of them are trusted here, so trust alone cannot choose`)
    // 4. The only claimant; with several and nothing to choose by, say so instead of guessing.
    if (claimants.length === 1) return await answer(claimants[0].peerId, 'first-use')
    throw new NameAmbiguousError(name, await this.probeAll(claimants, options.signal), 'none of them is pinned, trusted or domain-verified here, so this node will not guess')
  }

  private async resolveVerified (name: string, peerId: string, warnings: string[], options: ResolveOptions): Promise<ResolvedName> {
    if (options.pick != null && options.pick !== peerId) {
      throw new NamePickError(name, options.pick, `the domain's DNS proof names ${peerId}; a domain-verified name follows its domain, not a pick`)
    }
    const pin = await this.pins.get(name)
    const newlyPinned = pin?.peerId !== peerId
    if (newlyPinned) {
      if (pin != null) warnings.push(`"${name}" was pinned to ${pin.peerId}; the domain's DNS proof now names ${peerId}, and the domain decides`)
      await this.pins.set(name, peerId, 'dns')
    }
    this.namesByPeer.set(peerId, name)
    let otherClaimants: ClaimantInfo[] = []
    let hops = 0
    if (options.thorough === true && this.tableSize() > 0) {
      const found = await this.lookup(name, options.signal != null ? { signal: options.signal } : {})
      hops = found.hops
      otherClaimants = found.claimants.filter(c => c.peerId !== peerId).map(c => info(c, null))
      if (otherClaimants.length > 0) warnings.push(`${otherClaimants.length} other PeerId${otherClaimants.length === 1 ? '' : 's'} claim "${name}" in the DHT; the domain's DNS proof overrides them`)
    }
    return { name, peerId, pinned: true, newlyPinned, hops, verified: 'dns', otherClaimants, warnings }
  }

  /** Dial every claimant at once (they are at most MAX_CLAIMANTS_PER_NAME), so the operator sees which answer. */
  private async probeAll (claimants: FoundClaim[], signal?: AbortSignal): Promise<ClaimantInfo[]> {
    const probe = this.init.probe
    return await Promise.all(claimants.map(async c => {
      if (probe == null) return info(c, null)
      const s = AbortSignal.any([AbortSignal.timeout(CLAIMANT_PROBE_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
      let reachable = false
      try { reachable = await probe(c.peerId, s) } catch (err) { this.components.log.debug({ err, peer: c.peerId }, 'claimant unreachable') }
      return info(c, reachable)
    }))
  }

  /** Warnings when `name` imitates another pinned or domain-verified name, or hides behind punycode. */
  private async lookalikeWarnings (name: string): Promise<string[]> {
    const warnings: string[] = []
    if (name.split('.').some(label => label.startsWith('xn--'))) {
      warnings.push(`"${name}" is punycode for "${domainToUnicode(name) || name}"; check it is the name you mean`)
    }
    const pins = await this.pins.list()
    for (const other of lookalikesOf(name, pins.map(p => p.name))) {
      const pin = pins.find(p => p.name === other)
      warnings.push(`"${name}" looks like "${other}"${pin != null ? ` (pinned to ${pin.peerId}${pin.via === 'dns' ? ', domain-verified' : ''})` : ''}, a different name; check you typed the one you mean`)
    }
    return warnings
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

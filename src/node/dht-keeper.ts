// Fill the DHT routing table while the network forms, and keep connected DHT peers in it.
// kad-dht (16.x) runs its self-lookup once, 1 s after start, then every 5 minutes, and its bucket
// refresh at start (on an empty table) and then every 5 minutes. A node that joins a forming network
// keeps the few peers its bootstrap peer knew at that moment for 5 minutes (traced: 20 nodes in one
// process, tables of 1-5 peers for 10+ s while every node had 9-20 connections). And a connected
// DHT peer enters the table only after a ping that, on a loaded host, times out (5 s): kad-dht then
// never tries that peer again until something else makes it (traced: 101 of 388 new-contact pings
// aborted in that 20-node run). The keeper repairs both, and goes quiet once the table is full or
// stops growing, so an idle node in a settled network pays one cheap look every KEEPER_INTERVAL_MS.
// It also repairs peer records left without addresses: identify runs once per connection, with a 5 s
// timeout, and libp2p drops its failure silently; the record then holds only the protocols its
// streams named, and kad-dht leaves such a peer out of every FIND_NODE answer (and out of its own
// table). Seen in 40-node networks on a loaded host (issue 21): connected pairs whose record held no
// address, all for the newest joiners; test/dht-identify.test.ts makes the lag on purpose.
import type { Connection, PeerId, Logger, IdentifyResult } from '@libp2p/interface'
import type { AgentLibp2p } from './libp2p.ts'
import { DHT_PROTOCOL } from './constants.ts'
import { kadRoutingTable, kadTablePeers, type KadRoutingTable } from './libp2p-internals.ts'

/** A routing table this big needs no warm-up help (kad-dht's bucket size: one full bucket), in peers. */
export const WARM_TABLE_SIZE = 20
/** How often the keeper looks for connected DHT peers missing from the table, in ms. */
const KEEPER_INTERVAL_MS = 10_000
/** A self-lookup runs again once the table has doubled since the last one. */
const GROWTH_FACTOR = 2
/** Wait this long after a table change before the self-lookup, so a burst of additions costs one lookup, in ms. */
const SETTLE_MS = 300
/** Longest one warm-up self-lookup may take, in ms. */
const SELF_LOOKUP_TIMEOUT_MS = 10_000
/**
 * Most warm-up self-lookups between an empty table and a full one. Off: measured on the loaded box
 * (test/naming.test.ts, 20 nodes joining at once, load 14-16), three extra lookups per node made the
 * first resolutions time out having asked nobody (3 runs of 3 failed); without them 8/8 passed in
 * 84 s. The re-adding of connected peers below is what fills the tables; the mechanism stays for a
 * quieter host to try (set to 3).
 */
const MAX_WARM_LOOKUPS = 0
/** kad-dht's own first self-lookup runs when the table has this many peers. */
const KAD_OWN_LOOKUP_SIZE = 1
/** At most this many missing peers are (re)added per look: each costs a ping. */
const MAX_ADDS_PER_LOOK = 8
/** A connection whose peer record still has no address this long after it opened gets identify again, in ms (identify's own timeout is 5 s). */
const IDENTIFY_GRACE_MS = 8_000
/** Longest one repeated identify may take, in ms: identify's own 5 s is what a loaded host overran. */
const IDENTIFY_TIMEOUT_MS = 15_000
/** Identify re-runs started per look (each is a stream and a peer-store write). */
const MAX_IDENTIFIES_PER_LOOK = 8
/** Re-runs per connection before the keeper leaves it to the next connection. */
const MAX_IDENTIFY_ATTEMPTS = 3

interface Unidentified { openedAt: number, attempts: number, running: boolean }

export interface DhtKeeperInit {
  log: Logger
  /** Stop warming once the table holds this many peers. @default WARM_TABLE_SIZE */
  warmTableSize?: number
}

export class DhtKeeper {
  private readonly libp2p: AgentLibp2p
  private readonly log: Logger
  private readonly warmSize: number
  private timer: ReturnType<typeof setInterval> | undefined
  private settleTimer: ReturnType<typeof setTimeout> | undefined
  private lookingUp = false
  /** Table size when the last self-lookup started (kad-dht's own one counts as at 1 peer). */
  private sizeAtLastLookup = KAD_OWN_LOOKUP_SIZE
  private stopping = new AbortController()
  /** Self-lookups run by the keeper since start (for tests and `status`). */
  lookups = 0
  /** Self-lookups since the table was last empty. */
  private warmLookups = 0
  private readonly onAdd = (): void => { this.soon() }
  /** Open connections not yet known to have given us the peer's addresses (identify pending or failed). */
  private readonly unidentified = new Map<Connection, Unidentified>()
  /** Identify re-runs by the keeper since start (for tests). */
  reidentified = 0
  private readonly onOpen = (evt: CustomEvent<Connection>): void => { this.unidentified.set(evt.detail, { openedAt: Date.now(), attempts: 0, running: false }) }
  private readonly onClose = (evt: CustomEvent<Connection>): void => { this.unidentified.delete(evt.detail) }
  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => { this.unidentified.delete(evt.detail.connection) }

  constructor (libp2p: AgentLibp2p, init: DhtKeeperInit) {
    this.libp2p = libp2p
    this.log = init.log
    this.warmSize = init.warmTableSize ?? WARM_TABLE_SIZE
  }

  private get table (): KadRoutingTable {
    return kadRoutingTable(this.libp2p.services.dht)
  }

  start (): void {
    this.stopping = new AbortController()
    this.sizeAtLastLookup = KAD_OWN_LOOKUP_SIZE
    this.warmLookups = 0
    this.table.addEventListener('peer:add', this.onAdd)
    this.libp2p.addEventListener('connection:open', this.onOpen)
    this.libp2p.addEventListener('connection:close', this.onClose)
    this.libp2p.addEventListener('peer:identify', this.onIdentify)
    this.timer = setInterval(() => { void this.look() }, KEEPER_INTERVAL_MS)
    this.timer.unref?.()
  }

  stop (): void {
    this.table.removeEventListener('peer:add', this.onAdd)
    this.libp2p.removeEventListener('connection:open', this.onOpen)
    this.libp2p.removeEventListener('connection:close', this.onClose)
    this.libp2p.removeEventListener('peer:identify', this.onIdentify)
    this.unidentified.clear()
    clearInterval(this.timer)
    clearTimeout(this.settleTimer)
    this.stopping.abort()
  }

  /** A self-lookup shortly, if the table is still small and has grown enough since the last one. */
  private soon (): void {
    if (this.settleTimer != null) return
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined
      void this.selfLookup()
    }, SETTLE_MS)
    this.settleTimer.unref?.()
  }

  private async selfLookup (): Promise<void> {
    const size = kadTablePeers(this.libp2p.services.dht)
    // kad-dht runs its own self-lookup when the first peer arrives: ours start from the second,
    // then at 4 and 8 peers (each costs every peer asked a little; 20 nodes joining at once made
    // the 7 lookups each of a ×1.5 schedule a load of their own).
    if (size === 0) { this.warmLookups = 0; this.sizeAtLastLookup = KAD_OWN_LOOKUP_SIZE } // lost every peer: warm up again
    if (this.lookingUp || size === 0 || size >= this.warmSize || this.warmLookups >= MAX_WARM_LOOKUPS || this.stopping.signal.aborted) return
    if (size < Math.ceil(this.sizeAtLastLookup * GROWTH_FACTOR)) return
    this.lookingUp = true
    this.sizeAtLastLookup = size
    this.lookups++
    this.warmLookups++
    try {
      // Asking for the peers closest to ourselves makes each of them add us, and us them.
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(SELF_LOOKUP_TIMEOUT_MS)])
      for await (const _ of this.libp2p.services.dht.getClosestPeers(this.libp2p.peerId.toMultihash().bytes, { signal })) { /* drain */ }
    } catch (err) {
      if (!this.stopping.signal.aborted) this.log('warm-up self-lookup ended early - %s', err instanceof Error ? err.message : String(err))
    } finally {
      this.lookingUp = false
      this.log('warm-up self-lookup done, table %d -> %d peers', size, kadTablePeers(this.libp2p.services.dht))
    }
    // Grew enough while we looked? Look again (bounded: each round needs GROWTH_FACTOR more peers).
    this.soon()
  }

  /** Connected peers that speak our DHT protocol but are not in the table (their ping failed, or came too early). */
  private async look (): Promise<void> {
    const table = this.table
    if (this.stopping.signal.aborted) return
    await this.reidentify()
    const connected = new Set(this.libp2p.getConnections().map(c => c.remotePeer.toString())).size
    // Nothing to do once the table holds a full bucket, or every connected peer (a small network).
    // Distinct peers: kad-dht 16.4.5's own size could count one peer several times (libp2p-internals.ts).
    if (kadTablePeers(this.libp2p.services.dht) >= Math.min(this.warmSize, connected)) return
    const seen = new Set<string>()
    const missing: PeerId[] = []
    for (const conn of this.libp2p.getConnections()) {
      const id = conn.remotePeer
      const key = id.toString()
      if (seen.has(key) || conn.status !== 'open') continue
      seen.add(key)
      if (await table.find(id) != null) continue
      try {
        const peer = await this.libp2p.peerStore.get(id)
        if (peer.protocols.includes(DHT_PROTOCOL)) missing.push(id)
      } catch {}
      if (missing.length >= MAX_ADDS_PER_LOOK) break
    }
    for (const id of missing) table.queueRoutingTableUpdate(id)
    if (missing.length > 0) this.log('re-adding %d connected DHT peers missing from the routing table', missing.length)
    this.soon()
  }

  /**
   * Identify again on open connections whose peer record still has no address some time after
   * they opened. Only connections not yet seen identified are looked at, so a settled node pays
   * nothing here.
   */
  private async reidentify (): Promise<void> {
    const now = Date.now()
    let started = 0
    for (const [conn, state] of this.unidentified) {
      if (conn.status !== 'open' || state.attempts >= MAX_IDENTIFY_ATTEMPTS) { this.unidentified.delete(conn); continue }
      if (state.running || now - state.openedAt < IDENTIFY_GRACE_MS) continue
      let addresses = 0
      try { addresses = (await this.libp2p.peerStore.get(conn.remotePeer)).addresses.length } catch {}
      if (addresses > 0) { this.unidentified.delete(conn); continue }
      if (started++ >= MAX_IDENTIFIES_PER_LOOK) break
      state.attempts++
      state.running = true
      this.reidentified++
      this.log('identify again with %p: its record has no address %d s after the connection opened', conn.remotePeer, Math.round((now - state.openedAt) / 1000))
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(IDENTIFY_TIMEOUT_MS)])
      // Not awaited: a slow peer must not hold up the look; the next look sees the outcome.
      this.libp2p.services.identify.identify(conn, { signal })
        .then(() => { this.unidentified.delete(conn) })
        .catch((err: unknown) => { if (!this.stopping.signal.aborted) this.log('identify again with %p failed - %s', conn.remotePeer, err instanceof Error ? err.message : String(err)) })
        .finally(() => { state.running = false })
    }
  }
}

// Trust records, keyed by PeerId, in the node's datastore: they survive restarts, new ports and a
// data directory moved to another host. A copy in memory answers the gate without disk reads.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { HandshakeKind, SignedHandshake } from './messages.ts'
import { TRUST_PREFIX } from './constants.ts'

/** One side's decision: ours about them, or theirs about us (as they told us, signed). */
export type Decision = 'none' | 'approved' | 'rejected' | 'revoked'

export type TrustState = 'none' | 'pending' | 'requested' | 'approved' | 'mutual' | 'rejected' | 'revoked' | 'refused-by-peer'

export interface TrustRecord {
  peerId: string
  name?: string
  ours: Decision
  theirs: Decision
  /** Their request waiting for our operator; `from` is the address it came from (IP, or relay). */
  requestedByThem?: { reason?: string, at: number, from?: string }
  /** Our request waiting for theirs. */
  requestedByUs?: { reason?: string, at: number }
  /** When the state last changed (ms since the epoch). */
  since: number
  /**
   * Answers not yet delivered (the peer was offline). Kept unsigned: each try is signed anew with a
   * fresh nonce and time, so an answer queued for longer than the clock window still arrives.
   */
  outbox?: OutboxItem[]
}

export interface OutboxItem { kind: HandshakeKind, id: string, at: number }

/** Records written before answers were re-signed per try held the signed message itself. */
function upgradeOutbox (outbox: Array<OutboxItem | SignedHandshake> | undefined): OutboxItem[] | undefined {
  return outbox?.map(m => 'body' in m ? { kind: m.body.kind, id: m.body.nonce, at: m.body.ts } : m)
}

export function stateOf (r: TrustRecord): TrustState {
  if (r.ours === 'revoked') return 'revoked'
  if (r.ours === 'rejected') return 'rejected'
  if (r.ours === 'approved') {
    if (r.theirs === 'approved') return 'mutual'
    if (r.theirs === 'rejected' || r.theirs === 'revoked') return 'refused-by-peer'
    return r.requestedByUs != null ? 'requested' : 'approved'
  }
  return r.requestedByThem != null ? 'pending' : 'none'
}

export class TrustStore {
  private readonly datastore: Datastore
  private readonly records = new Map<string, TrustRecord>()

  constructor (datastore: Datastore) {
    this.datastore = datastore
  }

  async load (): Promise<void> {
    for await (const { value } of this.datastore.query({ prefix: TRUST_PREFIX })) {
      const record = JSON.parse(toString(value)) as TrustRecord
      const outbox = upgradeOutbox(record.outbox)
      this.records.set(record.peerId, { ...record, ...(outbox != null ? { outbox } : {}) })
    }
  }

  get (peerId: string): TrustRecord | undefined {
    return this.records.get(peerId)
  }

  getOrNew (peerId: string): TrustRecord {
    return this.records.get(peerId) ?? { peerId, ours: 'none', theirs: 'none', since: Date.now() }
  }

  /** Persist a record; resolves once it is written. */
  async put (record: TrustRecord): Promise<void> {
    await this.datastore.put(new Key(TRUST_PREFIX + record.peerId), fromString(JSON.stringify(record)))
    this.records.set(record.peerId, record)
  }

  /** Forget a record that holds nothing (an expired stranger's request). */
  async delete (peerId: string): Promise<void> {
    await this.datastore.delete(new Key(TRUST_PREFIX + peerId))
    this.records.delete(peerId)
  }

  all (): TrustRecord[] {
    return [...this.records.values()]
  }

  pendingCount (from?: string): number {
    let n = 0
    for (const r of this.records.values()) if (stateOf(r) === 'pending' && (from == null || r.requestedByThem?.from === from)) n++
    return n
  }
}

// Trust records, keyed by PeerId, in the node's datastore: they survive restarts, new ports and a
// data directory moved to another host. A copy in memory answers the gate without disk reads.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { SignedHandshake } from './messages.ts'
import { TRUST_PREFIX } from './constants.ts'

/** One side's decision: ours about them, or theirs about us (as they told us, signed). */
export type Decision = 'none' | 'approved' | 'rejected' | 'revoked'

export type TrustState = 'none' | 'pending' | 'requested' | 'approved' | 'mutual' | 'rejected' | 'revoked' | 'refused-by-peer'

export interface TrustRecord {
  peerId: string
  name?: string
  ours: Decision
  theirs: Decision
  /** Their request waiting for our operator. */
  requestedByThem?: { reason?: string, at: number }
  /** Our request waiting for theirs. */
  requestedByUs?: { reason?: string, at: number }
  /** When the state last changed (ms since the epoch). */
  since: number
  /** Signed answers not yet delivered (the peer was offline). */
  outbox?: SignedHandshake[]
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
      this.records.set(record.peerId, record)
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

  all (): TrustRecord[] {
    return [...this.records.values()]
  }

  pendingCount (): number {
    let n = 0
    for (const r of this.records.values()) if (stateOf(r) === 'pending') n++
    return n
  }
}

// The signed name record `{name, peerId, seq, expiresAt}` and the validator/selector every DHT node
// registers. The signer is the PeerId itself (Ed25519 PeerIds embed their public key), so a record
// proves that the named node asked for the name, and nobody else can move it to another PeerId.
import { peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ValidateFn, SelectFn } from '@libp2p/kad-dht'
import { fromString, toString } from 'uint8arrays'
import { NAME_PATTERN } from '../config/index.ts'
import { InvalidNameRecordError } from './errors.ts'
import { MAX_NAME_RECORD_BYTES, MAX_NAME_RECORD_TTL_MS, NAME_KEY_PREFIX, NAME_SIGNING_CONTEXT } from './constants.ts'

export interface NameRecord {
  name: string
  peerId: string
  seq: number
  /** ms since the epoch */
  expiresAt: number
}

interface WireRecord extends NameRecord { sig: string }

export function nameKey (name: string): Uint8Array {
  return fromString(`${NAME_KEY_PREFIX}${name}`)
}

function signingBytes (record: NameRecord): Uint8Array {
  // Fixed field order: the bytes signed are the bytes checked, whatever JSON the sender used.
  return fromString(NAME_SIGNING_CONTEXT + JSON.stringify([record.name, record.peerId, record.seq, record.expiresAt]))
}

export async function signNameRecord (privateKey: PrivateKey, record: NameRecord): Promise<Uint8Array> {
  const sig = await privateKey.sign(signingBytes(record))
  const wire: WireRecord = { ...record, sig: toString(sig, 'base64url') }
  return fromString(JSON.stringify(wire))
}

/** Parse and fully check a record: shape, size, signature by its PeerId, expiry. Throws InvalidNameRecordError. */
export async function verifyNameRecord (value: Uint8Array, now = Date.now()): Promise<NameRecord> {
  if (value.byteLength > MAX_NAME_RECORD_BYTES) throw new InvalidNameRecordError(`${value.byteLength} bytes, more than the ${MAX_NAME_RECORD_BYTES} allowed`)
  let wire: Partial<WireRecord>
  try {
    wire = JSON.parse(toString(value))
  } catch {
    throw new InvalidNameRecordError('not JSON')
  }
  if (wire == null || typeof wire !== 'object') throw new InvalidNameRecordError('not an object')
  const { name, peerId, seq, expiresAt, sig } = wire
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new InvalidNameRecordError('bad name')
  if (typeof peerId !== 'string') throw new InvalidNameRecordError('missing peerId')
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw new InvalidNameRecordError('bad seq')
  if (!Number.isSafeInteger(expiresAt)) throw new InvalidNameRecordError('bad expiresAt')
  if (typeof sig !== 'string') throw new InvalidNameRecordError('missing signature')
  if ((expiresAt as number) <= now) throw new InvalidNameRecordError('expired')
  if ((expiresAt as number) > now + MAX_NAME_RECORD_TTL_MS) throw new InvalidNameRecordError('expiry too far in the future')
  let publicKey
  try {
    publicKey = peerIdFromString(peerId).publicKey
  } catch {
    throw new InvalidNameRecordError('peerId does not decode')
  }
  if (publicKey == null) throw new InvalidNameRecordError('peerId carries no public key (only Ed25519 PeerIds can sign names)')
  const record: NameRecord = { name, peerId, seq: seq as number, expiresAt: expiresAt as number }
  let ok = false
  try {
    ok = await publicKey.verify(signingBytes(record), fromString(sig, 'base64url'))
  } catch {}
  if (!ok) throw new InvalidNameRecordError('signature does not match the peerId')
  return record
}

/** kad-dht validator: also checks that the record's name is the one in the DHT key. */
export const validateNameRecord: ValidateFn = async (key, value) => {
  const record = await verifyNameRecord(value)
  const keyName = toString(key).slice(NAME_KEY_PREFIX.length)
  if (keyName !== record.name) throw new InvalidNameRecordError(`record for "${record.name}" stored under "${keyName}"`)
}

/**
 * kad-dht selector: the highest seq wins (for one PeerId that is its newest record). Ties go to the
 * later expiry, then the smaller PeerId, so every node picks the same record.
 */
export const selectNameRecord: SelectFn = (_key, values) => {
  let best = -1
  let bestRecord: WireRecord | undefined
  values.forEach((value, i) => {
    let r: WireRecord
    try { r = JSON.parse(toString(value)) } catch { return }
    // Only records that look like records compete; `null`, numbers and half-records are skipped
    // (the validator refuses them anyway, but a selector must never throw).
    if (r == null || typeof r !== 'object' || !Number.isSafeInteger(r.seq) || !Number.isSafeInteger(r.expiresAt) || typeof r.peerId !== 'string') return
    if (bestRecord == null || r.seq > bestRecord.seq ||
      (r.seq === bestRecord.seq && (r.expiresAt > bestRecord.expiresAt || (r.expiresAt === bestRecord.expiresAt && r.peerId < bestRecord.peerId)))) {
      best = i
      bestRecord = r
    }
  })
  return Math.max(best, 0)
}

// The signed name claim `{name, peerId, seq, expiresAt}` and the claim set a DHT server keeps for a
// name. The signer is the PeerId itself (Ed25519 PeerIds embed their public key), so a claim proves
// that the named node asked for the name, and nobody else can move it to another PeerId. The DHT
// value under `/agentwire-name/<name>` is a *set* of claims, one per claimant: a server merges what
// it receives into it (claim-store.ts), so a claim never displaces another claimant's.
import { peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ValidateFn, SelectFn } from '@libp2p/kad-dht'
import { fromString, toString } from 'uint8arrays'
import { signRecord, verifyRecord } from '../crypto/index.ts'
import { NAME_PATTERN } from '../config/index.ts'
import { InvalidNameRecordError } from './errors.ts'
import { messageOf } from '../caught.ts'
import {
  MAX_CLAIM_SET_BYTES, MAX_CLAIMANTS_PER_NAME, MAX_CLOCK_SKEW_MS, MAX_NAME_RECORD_BYTES, MAX_NAME_RECORD_TTL_MS, NAME_KEY_PREFIX, NAME_SIGNING_CONTEXT
} from './constants.ts'

export interface NameRecord {
  name: string
  peerId: string
  seq: number
  /** ms since the epoch */
  expiresAt: number
}

/** A claim as it travels: the record, its signature, and (set by the DHT server that stored it, unsigned) when that server first saw this claimant. */
export interface Claim extends NameRecord {
  sig: string
  firstSeen?: number
}

const CLAIM_FIELDS = new Set(['name', 'peerId', 'seq', 'expiresAt', 'sig', 'firstSeen'])

export function nameKey (name: string): Uint8Array {
  return fromString(`${NAME_KEY_PREFIX}${name}`)
}

/** The name in a DHT key, or undefined when the key is not a name key. */
export function nameOfKey (key: Uint8Array): string | undefined {
  const text = toString(key)
  return text.startsWith(NAME_KEY_PREFIX) ? text.slice(NAME_KEY_PREFIX.length) : undefined
}

function signedFields (record: NameRecord): unknown[] {
  // Fixed field order: the bytes signed are the bytes checked, whatever JSON the sender used.
  return [record.name, record.peerId, record.seq, record.expiresAt]
}

export async function signClaim (privateKey: PrivateKey, record: NameRecord): Promise<Claim> {
  const sig = await signRecord(privateKey, NAME_SIGNING_CONTEXT, signedFields(record))
  return { name: record.name, peerId: record.peerId, seq: record.seq, expiresAt: record.expiresAt, sig }
}

/** The DHT value a claimant publishes: a claim set holding its own claim only. */
export async function signNameRecord (privateKey: PrivateKey, record: NameRecord): Promise<Uint8Array> {
  return encodeClaimSet([await signClaim(privateKey, record)])
}

export function encodeClaimSet (claims: Claim[]): Uint8Array {
  return fromString(JSON.stringify({ claims }))
}

/**
 * Parse a claim set and check its shape only (no signatures): size, JSON, exactly the known fields
 * at both levels, at most MAX_CLAIMANTS_PER_NAME claims. Unknown fields are refused rather than
 * ignored, so nobody can pad stored records with data of their own.
 */
export function parseClaimSet (value: Uint8Array): Claim[] {
  if (value.byteLength > MAX_CLAIM_SET_BYTES) throw new InvalidNameRecordError(`${value.byteLength} bytes, more than the ${MAX_CLAIM_SET_BYTES} a claim set may have`)
  let wire: unknown
  try {
    wire = JSON.parse(toString(value))
  } catch {
    throw new InvalidNameRecordError('not JSON')
  }
  if (wire == null || typeof wire !== 'object' || Array.isArray(wire)) throw new InvalidNameRecordError('not a claim set (expected {"claims": [...]})')
  const extra = Object.keys(wire).filter(k => k !== 'claims')
  if (extra.length > 0) throw new InvalidNameRecordError(`unknown field "${extra[0]}" in the claim set`)
  const claims = (wire as { claims?: unknown }).claims
  if (!Array.isArray(claims) || claims.length === 0) throw new InvalidNameRecordError('no claims in the claim set')
  if (claims.length > MAX_CLAIMANTS_PER_NAME) throw new InvalidNameRecordError(`${claims.length} claims, more than the ${MAX_CLAIMANTS_PER_NAME} a name may have`)
  for (const claim of claims as unknown[]) {
    if (claim == null || typeof claim !== 'object' || Array.isArray(claim)) throw new InvalidNameRecordError('a claim is not an object')
    const unknown = Object.keys(claim).filter(k => !CLAIM_FIELDS.has(k))
    if (unknown.length > 0) throw new InvalidNameRecordError(`unknown field "${unknown[0]}" in a claim`)
  }
  // Shape only, by design: each field's type and the signature are verifyClaim's to check (one bad
  // claim is refused, not the whole set), and sets the claim store reads back were verified when merged.
  return claims as Claim[]
}

/** Fully check one claim: fields, bounds (nothing from the future), signature by its PeerId. Throws InvalidNameRecordError. */
export async function verifyClaim (claim: Claim, now = Date.now()): Promise<Claim> {
  const { name, peerId, seq, expiresAt, sig, firstSeen } = claim
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new InvalidNameRecordError('bad name')
  if (typeof peerId !== 'string') throw new InvalidNameRecordError('missing peerId')
  if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidNameRecordError('bad seq')
  // seq is a millisecond clock reading (see NameService.nextSeq): one far ahead of ours is an
  // attempt to win every later comparison, not a clock difference.
  if (seq > now + MAX_CLOCK_SKEW_MS) throw new InvalidNameRecordError(`seq ${seq} is from the future (more than ${MAX_CLOCK_SKEW_MS / 1000} s ahead of this node's clock)`)
  if (!Number.isSafeInteger(expiresAt)) throw new InvalidNameRecordError('bad expiresAt')
  if (firstSeen !== undefined && (!Number.isSafeInteger(firstSeen) || firstSeen > now + MAX_CLOCK_SKEW_MS)) throw new InvalidNameRecordError('bad firstSeen')
  if (typeof sig !== 'string' || sig.length > 128) throw new InvalidNameRecordError('missing signature')
  if (expiresAt <= now) throw new InvalidNameRecordError('expired')
  if (expiresAt > now + MAX_NAME_RECORD_TTL_MS + MAX_CLOCK_SKEW_MS) throw new InvalidNameRecordError('expiry too far in the future')
  if (fromString(JSON.stringify({ name, peerId, seq, expiresAt, sig, firstSeen })).byteLength > MAX_NAME_RECORD_BYTES) throw new InvalidNameRecordError('claim too large')
  let publicKey
  try {
    publicKey = peerIdFromString(peerId).publicKey
  } catch {
    throw new InvalidNameRecordError('peerId does not decode')
  }
  if (publicKey == null) throw new InvalidNameRecordError('peerId carries no public key (only Ed25519 PeerIds can sign names)')
  const ok = await verifyRecord(publicKey, NAME_SIGNING_CONTEXT, signedFields(claim), sig)
  if (!ok) throw new InvalidNameRecordError('signature does not match the peerId')
  return { name, peerId, seq, expiresAt, sig, ...(firstSeen !== undefined ? { firstSeen } : {}) }
}

/**
 * Every valid claim in a DHT value for `name` (newest per PeerId), and why the others were
 * refused. Throws only when the value as a whole is malformed.
 */
export async function verifyClaimSet (value: Uint8Array, name?: string, now = Date.now()): Promise<{ valid: Claim[], refused: string[] }> {
  const newest = new Map<string, Claim>()
  const refused: string[] = []
  for (const claim of parseClaimSet(value)) {
    try {
      const ok = await verifyClaim(claim, now)
      if (name != null && ok.name !== name) throw new InvalidNameRecordError(`claim for "${ok.name}" stored under "${name}"`)
      const seen = newest.get(ok.peerId)
      if (seen == null || ok.seq > seen.seq) newest.set(ok.peerId, ok)
    } catch (err) {
      refused.push(err instanceof InvalidNameRecordError ? err.reason : messageOf(err))
    }
  }
  return { valid: [...newest.values()], refused }
}

/** Check a single-claim value (what one claimant publishes) and return its record. Throws InvalidNameRecordError. */
export async function verifyNameRecord (value: Uint8Array, now = Date.now()): Promise<NameRecord> {
  const { valid, refused } = await verifyClaimSet(value, undefined, now)
  if (valid.length === 0) throw new InvalidNameRecordError(refused[0] ?? 'no valid claim')
  const { name, peerId, seq, expiresAt } = valid[0]
  return { name, peerId, seq, expiresAt }
}

/**
 * kad-dht validator: the value must be a well-formed claim set holding at least one valid claim for
 * the name in the key. Invalid claims inside an otherwise good set are dropped by whoever reads it
 * (servers when merging, resolvers when choosing), so one stale claim cannot hide the others.
 */
export const validateNameRecord: ValidateFn = async (key, value) => {
  const name = nameOfKey(key) ?? ''
  const { valid, refused } = await verifyClaimSet(value, name)
  if (valid.length === 0) throw new InvalidNameRecordError(refused[0] ?? 'no valid claim')
}

/**
 * kad-dht selector: the set with the most claims, so the correction kad-dht sends to servers that
 * answered differently carries the most claimants (servers merge it, they never replace). A
 * selector must never throw: values that do not parse count as empty.
 */
export const selectNameRecord: SelectFn = (_key, values) => {
  let best = 0
  let bestCount = -1
  values.forEach((value, i) => {
    let count = 0
    try { count = parseClaimSet(value).length } catch {}
    if (count > bestCount) {
      best = i
      bestCount = count
    }
  })
  return best
}

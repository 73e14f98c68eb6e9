// One way to sign and check a domain-separated record, used by every signed thing agentwire sends
// (handshake messages, A2A envelopes, trust reports, name claims). The signed bytes are a context
// string naming the kind and version (`agentwire-a2a-envelope:v1\n`), then the JSON array of the
// record's fields in a fixed order: a signature for one kind can never pass for another, and the
// bytes checked are the bytes signed whatever JSON the sender used around them.
//
// @libp2p/crypto builds a Node KeyObject from JWK on every Ed25519 sign and verify; that costs more
// than the signature itself. Here our own key's KeyObject is built once per PrivateKey, and each
// signer's public KeyObject once per signer (a bounded cache), so a call pays only the curve math.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { MAX_CACHED_PUBLIC_KEYS } from './constants.ts'
import { evictOldest } from '../evict-oldest.ts'

/** The exact bytes a record of this kind signs: `context` then the JSON array of `fields`. */
export function recordBytes (context: string, fields: readonly unknown[]): Uint8Array {
  return fromString(context + JSON.stringify(fields))
}

const privateKeyObjects = new WeakMap<PrivateKey, KeyObject>()

function privateKeyObject (key: PrivateKey): KeyObject | undefined {
  if (key.type !== 'Ed25519') return undefined
  let keyObject = privateKeyObjects.get(key)
  if (keyObject == null) {
    // An Ed25519 PrivateKey's raw form is the 32-byte seed followed by the 32-byte public key.
    const raw = key.raw
    keyObject = createPrivateKey({
      format: 'jwk',
      key: { kty: 'OKP', crv: 'Ed25519', d: toString(raw.subarray(0, 32), 'base64url'), x: toString(raw.subarray(32), 'base64url') }
    })
    privateKeyObjects.set(key, keyObject)
  }
  return keyObject
}

/** Sign a record: returns the base64url signature over `recordBytes(context, fields)`. */
export async function signRecord (key: PrivateKey, context: string, fields: readonly unknown[]): Promise<string> {
  const data = recordBytes(context, fields)
  const keyObject = privateKeyObject(key)
  const sig = keyObject != null ? sign(null, data, keyObject) : await key.sign(data)
  return toString(sig, 'base64url')
}

// Most recently used last; a Map keeps insertion order, so the first entry is the one to evict.
const publicKeyObjects = new Map<string, KeyObject | null>()

function publicKeyObject (signer: PublicKey | string): KeyObject | null {
  // A PeerId string names its key (Ed25519 PeerIds embed it); a PublicKey is keyed by its bytes.
  const id = typeof signer === 'string' ? signer : `raw:${toString(signer.raw, 'base64')}`
  let keyObject = publicKeyObjects.get(id)
  if (keyObject !== undefined) {
    publicKeyObjects.delete(id)
    publicKeyObjects.set(id, keyObject)
    return keyObject
  }
  keyObject = null
  try {
    const publicKey = typeof signer === 'string' ? peerIdFromString(signer).publicKey : signer
    if (publicKey?.type === 'Ed25519') {
      keyObject = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: toString(publicKey.raw, 'base64url') } })
    }
  } catch {
    // Not a PeerId, or not a key: cached as null, so garbage costs one decode per cache slot.
  }
  if (publicKeyObjects.size >= MAX_CACHED_PUBLIC_KEYS) evictOldest(publicKeyObjects)
  publicKeyObjects.set(id, keyObject)
  return keyObject
}

/**
 * True when `sig` (base64url) is `signer`'s signature over `recordBytes(context, fields)`. `signer`
 * is the signer's PublicKey or its PeerId string; anything that is not an Ed25519 key, a signature
 * that does not decode, or one that does not match gives false, never a throw.
 */
export async function verifyRecord (signer: PublicKey | string, context: string, fields: readonly unknown[], sig: string): Promise<boolean> {
  try {
    const keyObject = publicKeyObject(signer)
    // Strict base64url (uint8arrays), as before: a signature with stray characters is refused.
    const sigBytes = fromString(sig, 'base64url')
    if (keyObject != null) return verify(null, recordBytes(context, fields), keyObject, sigBytes)
    // Other key types (agentwire makes none, a peer might) keep @libp2p/crypto's own path.
    const publicKey = typeof signer === 'string' ? peerIdFromString(signer).publicKey : signer
    if (publicKey == null || publicKey.type === 'Ed25519') return false
    return await publicKey.verify(recordBytes(context, fields), sigBytes)
  } catch {
    return false
  }
}

// Signed handshake messages. Each is signed by its sender's key and names sender and receiver, a
// fresh nonce and a timestamp, so it cannot be forged, redirected to another node, or replayed.
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { randomBytes } from 'node:crypto'
import { signRecord, verifyRecord } from '../crypto/index.ts'
import { HANDSHAKE_SIGNING_CONTEXT, MAX_REASON_CHARS } from './constants.ts'
import { HandshakeRefusedError } from './errors.ts'

export type HandshakeKind = 'request' | 'approve' | 'reject' | 'revoke'

export interface HandshakeBody {
  kind: HandshakeKind
  from: string
  to: string
  /** Only on requests. */
  reason?: string
  nonce: string
  /** ms since the epoch */
  ts: number
}

export interface SignedHandshake { body: HandshakeBody, sig: string }

function signedFields (b: HandshakeBody): unknown[] {
  return [b.kind, b.from, b.to, b.reason ?? null, b.nonce, b.ts]
}

export async function signHandshake (key: PrivateKey, body: Omit<HandshakeBody, 'nonce' | 'ts'>): Promise<SignedHandshake> {
  const full: HandshakeBody = { ...body, nonce: randomBytes(16).toString('hex'), ts: Date.now() }
  return { body: full, sig: await signRecord(key, HANDSHAKE_SIGNING_CONTEXT, signedFields(full)) }
}

const KINDS = new Set<HandshakeKind>(['request', 'approve', 'reject', 'revoke'])

/** Check shape and signature (by `from`'s key). Freshness, replay and sender checks are the caller's. */
export async function verifyHandshake (frame: unknown): Promise<HandshakeBody> {
  const { body, sig } = (frame ?? {}) as Partial<SignedHandshake>
  if (body == null || typeof body !== 'object' || typeof sig !== 'string') throw new HandshakeRefusedError('BAD_HANDSHAKE', 'not a signed handshake message')
  const { kind, from, to, reason, nonce, ts } = body
  if (!KINDS.has(kind)) throw new HandshakeRefusedError('BAD_HANDSHAKE', 'unknown message kind')
  if (typeof from !== 'string' || typeof to !== 'string') throw new HandshakeRefusedError('BAD_HANDSHAKE', 'from/to missing')
  if (typeof nonce !== 'string' || !/^[0-9a-f]{16,64}$/.test(nonce)) throw new HandshakeRefusedError('BAD_HANDSHAKE', 'bad nonce')
  if (!Number.isSafeInteger(ts)) throw new HandshakeRefusedError('BAD_HANDSHAKE', 'bad timestamp')
  if (reason != null && (typeof reason !== 'string' || reason.length > MAX_REASON_CHARS)) {
    throw new HandshakeRefusedError('REASON_TOO_LONG', `reason longer than ${MAX_REASON_CHARS} characters`, `shorten --reason to ${MAX_REASON_CHARS} characters`)
  }
  let publicKey
  try { publicKey = peerIdFromString(from).publicKey } catch {}
  if (publicKey == null) throw new HandshakeRefusedError('BAD_HANDSHAKE', '`from` is not an Ed25519 PeerId')
  const ok = await verifyRecord(from, HANDSHAKE_SIGNING_CONTEXT, signedFields(body), sig)
  if (!ok) throw new HandshakeRefusedError('BAD_SIGNATURE', 'signature does not match `from`')
  return body
}

// The signed envelope every A2A call carries: who sends it to whom, when, a fresh nonce, and the
// hash of the exact request bytes. The receiver checks all of it, so a call cannot be forged,
// redirected, altered or replayed, and the audit log can later prove who asked for what.
import { createHash, randomBytes } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { signRecord, verifyRecord } from '../crypto/index.ts'
import { ENVELOPE_SIGNING_CONTEXT } from './constants.ts'
import { EnvelopeError } from './errors.ts'

export interface Envelope {
  from: string
  to: string
  nonce: string
  /** ms since the epoch */
  ts: number
  /** hex SHA-256 of the request body bytes */
  bodyHash: string
  sig: string
}

export function hashBody (body: string): string {
  return createHash('sha256').update(body).digest('hex')
}

function signedFields (e: Omit<Envelope, 'sig'>): unknown[] {
  return [e.from, e.to, e.nonce, e.ts, e.bodyHash]
}

export async function signEnvelope (key: PrivateKey, from: string, to: string, body: string): Promise<Envelope> {
  const unsigned = { from, to, nonce: randomBytes(16).toString('hex'), ts: Date.now(), bodyHash: hashBody(body) }
  return { ...unsigned, sig: await signRecord(key, ENVELOPE_SIGNING_CONTEXT, signedFields(unsigned)) }
}

/**
 * Check an envelope against the connection it came on and the body it covers. Freshness and replay
 * are checked by the caller's NonceGuard after this.
 */
export async function verifyEnvelope (envelope: unknown, body: string, remotePeer: string, self: string): Promise<Envelope> {
  const e = (envelope ?? {}) as Partial<Envelope>
  if (typeof e.from !== 'string' || typeof e.to !== 'string' || typeof e.nonce !== 'string' || !/^[0-9a-f]{16,64}$/.test(e.nonce) ||
    !Number.isSafeInteger(e.ts) || typeof e.bodyHash !== 'string' || typeof e.sig !== 'string') {
    throw new EnvelopeError('BAD_ENVELOPE', 'the call carries no valid signed envelope', 'use an agentwire client (or the local gateway), which signs every call')
  }
  if (e.from !== remotePeer) throw new EnvelopeError('WRONG_SENDER', `envelope signed for ${e.from} but the call came from ${remotePeer}`)
  if (e.to !== self) throw new EnvelopeError('WRONG_RECIPIENT', `envelope addressed to ${e.to}, not to this node`)
  if (hashBody(body) !== e.bodyHash) throw new EnvelopeError('BODY_MISMATCH', 'the request body does not match the envelope\'s bodyHash (altered in transit?)')
  // `from` is the connection's PeerId (checked above), so its key object is cached per peer.
  const ok = await verifyRecord(e.from, ENVELOPE_SIGNING_CONTEXT, signedFields(e as Envelope), e.sig)
  if (!ok) throw new EnvelopeError('BAD_SIGNATURE', 'the envelope signature does not match its sender')
  return e as Envelope
}

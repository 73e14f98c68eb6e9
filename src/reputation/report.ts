// Trust reports: one issuer's cumulative, decayed evidence about one subject, signed in the payload
// so any peer can forward it and every receiver can still check who said it. The newest report of an
// issuer about a subject replaces the older ones (higher `seq`), so a replay adds nothing.
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { signRecord, verifyRecord } from '../crypto/index.ts'
import { MAX_REPORT_BYTES, MAX_REPORT_COUNT, MAX_REPORT_TTL_MS, REPORT_CLOCK_SKEW_MS, REPORT_SIGNING_CONTEXT } from './constants.ts'
import { InvalidReportError } from './errors.ts'

export interface ReportBody {
  /** PeerId of the node that signed the report. */
  issuer: string
  /** PeerId the report is about. */
  subject: string
  /** Decayed count of good outcomes as of `issuedAt` (3 decimals). */
  positive: number
  /** Decayed, weighted count of bad outcomes as of `issuedAt` (3 decimals). */
  negative: number
  /** Stake the issuer puts behind a newcomer (0 = no vouch); lost in part if the subject misbehaves. */
  vouch: number
  /** Strictly increasing per issuer and subject. */
  seq: number
  /** ms since the epoch */
  issuedAt: number
  /** ms since the epoch; the report counts for nothing after this. */
  expiresAt: number
}

export interface TrustReport extends ReportBody {
  /** base64url Ed25519 signature by `issuer` over the body. */
  sig: string
}

function signedFields (b: ReportBody): unknown[] {
  return [b.issuer, b.subject, b.positive, b.negative, b.vouch, b.seq, b.issuedAt, b.expiresAt]
}

/** Round a count the way it travels, so what is signed is exactly what is parsed. */
export function roundCount (n: number): number {
  return Math.round(n * 1000) / 1000
}

export async function signReport (key: PrivateKey, body: ReportBody): Promise<TrustReport> {
  const b: ReportBody = { ...body, positive: roundCount(body.positive), negative: roundCount(body.negative), vouch: roundCount(body.vouch) }
  return { ...b, sig: await signRecord(key, REPORT_SIGNING_CONTEXT, signedFields(b)) }
}

export function encodeReport (r: TrustReport): Uint8Array {
  return fromString(JSON.stringify({ v: 1, ...r }))
}

function isSafeInteger (n: unknown): n is number {
  return Number.isSafeInteger(n)
}

function isCount (n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= MAX_REPORT_COUNT
}

/**
 * Parse and check a report from the wire: size, shape, freshness and the issuer's signature. Seq
 * ordering and rate limits are the caller's (they need state). Throws InvalidReportError.
 */
export async function decodeReport (data: Uint8Array, now = Date.now()): Promise<TrustReport> {
  if (data.byteLength > MAX_REPORT_BYTES) throw new InvalidReportError('REPORT_TOO_LARGE', `${data.byteLength} bytes, at most ${MAX_REPORT_BYTES}`)
  let parsed: unknown
  try { parsed = JSON.parse(toString(data)) } catch { throw new InvalidReportError('BAD_REPORT', 'not JSON') }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidReportError('BAD_REPORT', 'not a v1 trust report')
  // Every field is checked below before it is used; until then each is `unknown`.
  const raw = parsed as Record<keyof TrustReport | 'v', unknown>
  if (raw.v !== 1) throw new InvalidReportError('BAD_REPORT', 'not a v1 trust report')
  const { issuer, subject, positive, negative, vouch, seq, issuedAt, expiresAt, sig } = raw
  if (typeof issuer !== 'string' || typeof subject !== 'string' || issuer.length > 100 || subject.length > 100) throw new InvalidReportError('BAD_REPORT', 'issuer/subject missing')
  if (issuer === subject) throw new InvalidReportError('BAD_REPORT', 'a report about its own issuer')
  if (!isCount(positive) || !isCount(negative) || !isCount(vouch)) throw new InvalidReportError('BAD_REPORT', 'counts must be finite, non-negative numbers')
  if (!isSafeInteger(seq) || seq < 0) throw new InvalidReportError('BAD_REPORT', 'bad seq')
  if (!isSafeInteger(issuedAt) || !isSafeInteger(expiresAt)) throw new InvalidReportError('BAD_REPORT', 'bad timestamps')
  if (typeof sig !== 'string' || sig.length > 200) throw new InvalidReportError('BAD_REPORT', 'signature missing')
  if (issuedAt > now + REPORT_CLOCK_SKEW_MS) throw new InvalidReportError('REPORT_FROM_FUTURE', 'issued in the future')
  if (expiresAt <= now) throw new InvalidReportError('REPORT_EXPIRED', 'expired')
  if (expiresAt - issuedAt > MAX_REPORT_TTL_MS) throw new InvalidReportError('BAD_REPORT', 'lifetime longer than allowed')
  const body: ReportBody = { issuer, subject, positive, negative, vouch, seq, issuedAt, expiresAt }
  let publicKey
  try { publicKey = peerIdFromString(issuer).publicKey; peerIdFromString(subject) } catch {}
  if (publicKey == null) throw new InvalidReportError('BAD_REPORT', 'issuer is not an Ed25519 PeerId')
  const ok = await verifyRecord(publicKey, REPORT_SIGNING_CONTEXT, signedFields(body), sig)
  if (!ok) throw new InvalidReportError('BAD_SIGNATURE', 'signature does not match issuer')
  return { ...body, sig }
}

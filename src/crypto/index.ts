/**
 * Domain-separated signed records: one signing and checking path with cached Ed25519 key objects.
 *
 * @example
 * ```ts
 * const sig = await signRecord(privateKey, 'agentwire-a2a-envelope:v1\n', [from, to, nonce, ts, bodyHash])
 * const ok = await verifyRecord(from, 'agentwire-a2a-envelope:v1\n', [from, to, nonce, ts, bodyHash], sig)
 * ```
 */
export { recordBytes, signRecord, verifyRecord } from './signed-record.ts'
export { MAX_CACHED_PUBLIC_KEYS } from './constants.ts'

/**
 * Names: signed `{name, peerId, seq, expiresAt}` records in our DHT, republished before expiry,
 * resolved with pinning (trust on first use).
 *
 * @example
 * ```ts
 * const resolved = await node.naming.resolve('research-agent')
 * console.log(resolved.peerId, resolved.pinned)
 * ```
 */
export { NameService, type ResolvedName, type ResolveOptions } from './name-service.ts'
export { validateNameRecord, selectNameRecord, signNameRecord, verifyNameRecord, nameKey, type NameRecord } from './name-record.ts'
export { NAME_NAMESPACE, NAME_KEY_PREFIX, MAX_NAME_RECORD_BYTES } from './constants.ts'
export { NameNotFoundError, NamePinConflictError, InvalidNameRecordError } from './errors.ts'

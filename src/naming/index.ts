/**
 * Names: signed `{name, peerId, seq, expiresAt}` claims in our DHT, one per claimant (a server
 * keeps every claimant's newest claim, bounded), republished before expiry, resolved by DNS proof,
 * then pin, then trust, then sole claimant; anything else is NAME_AMBIGUOUS.
 *
 * @example
 * ```ts
 * const resolved = await node.naming.resolve('research-agent')
 * console.log(resolved.peerId, resolved.pinned, resolved.otherClaimants)
 * ```
 */
export { NameService, type ResolvedName, type ResolveOptions, type FoundClaim } from './name-service.ts'
export {
  validateNameRecord, selectNameRecord, signNameRecord, signClaim, verifyNameRecord, verifyClaimSet, encodeClaimSet, parseClaimSet, nameKey,
  type NameRecord, type Claim
} from './name-record.ts'
export { ClaimStore, isNameRecordKey, type ClaimStoreStats, type ClaimStoreInit } from './claim-store.ts'
export { DnsProofChecker, isDomainName, type DnsProofInit } from './dns-proof.ts'
export { skeleton, lookalikesOf } from './lookalike.ts'
export { normalizeName } from './normalize.ts'
export * from './constants.ts'
export {
  NameNotFoundError, NamePinConflictError, InvalidNameRecordError, NameAmbiguousError, NamePickError, NameProofInvalidError,
  NameDnsUnavailableError, NameClaimRefusedError, type ClaimantInfo
} from './errors.ts'
export { naming, type NamingComponents } from './component.ts'

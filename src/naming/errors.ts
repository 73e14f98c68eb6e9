import { AgentwireError } from '../errors.ts'

export class InvalidNameRecordError extends AgentwireError {
  static override name = 'InvalidNameRecordError'
  /** What was wrong, without the prefix: reasons are collected per claim. */
  readonly reason: string
  constructor (reason: string) {
    super('INVALID_NAME_RECORD', `invalid name record: ${reason}`)
    this.name = 'InvalidNameRecordError'
    this.reason = reason
  }
}

/** A DHT server's bounded store refused a new claim (the claimant is not evicting anyone to make room). */
export class NameClaimRefusedError extends AgentwireError {
  static override name = 'NameClaimRefusedError'
  constructor (reason: string) {
    super('NAME_CLAIM_REFUSED', `name claim refused: ${reason}`)
    this.name = 'NameClaimRefusedError'
  }
}

export class NameNotFoundError extends AgentwireError {
  static override name = 'NameNotFoundError'
  constructor (name: string, detail: string) {
    super('NAME_NOT_FOUND', `no node publishes the name "${name}" (${detail})`, 'check the spelling, that the node has `name` in its config and is running, and that both nodes share a bootstrap peer')
    this.name = 'NameNotFoundError'
  }
}

/** One claimant of a name, as shown when the caller must choose. */
export interface ClaimantInfo {
  peerId: string
  /** When DHT servers first stored this claimant's claim (median of what they report; unsigned), ISO 8601. */
  firstSeen: string | null
  /** Whether a dial to it succeeded just now; null when not tried. */
  reachable: boolean | null
}

function claimantLines (claimants: ClaimantInfo[]): string {
  return claimants.map(c => `  ${c.peerId}  first seen ${c.firstSeen ?? 'unknown'}  ${c.reachable == null ? '' : c.reachable ? 'reachable' : 'unreachable'}`.trimEnd()).join('\n')
}

export class NamePinConflictError extends AgentwireError {
  static override name = 'NamePinConflictError'
  readonly pinned: string
  readonly claimant: string
  readonly details: { name: string, pinned: string, claimants: ClaimantInfo[], pick: string }
  constructor (name: string, pinned: string, claimants: ClaimantInfo[]) {
    super('NAME_PIN_CONFLICT',
      `the name "${name}" is pinned to ${pinned}, whose claim is no longer in the DHT (offline for over an hour, or re-installed with a new key); other claimants:\n${claimantLines(claimants)}\nnot following a change of owner silently`,
      `if one of them is the node you mean, pick it deliberately: agentwire resolve ${name} --pick <PeerId>`)
    this.name = 'NamePinConflictError'
    this.pinned = pinned
    this.claimant = claimants[0]?.peerId ?? ''
    this.details = { name, pinned, claimants, pick: `agentwire resolve ${name} --pick <PeerId>` }
  }
}

export class NameAmbiguousError extends AgentwireError {
  static override name = 'NameAmbiguousError'
  readonly details: { name: string, claimants: ClaimantInfo[], pick: string }
  constructor (name: string, claimants: ClaimantInfo[], why: string) {
    super('NAME_AMBIGUOUS',
      `the name "${name}" has ${claimants.length} claimants and ${why}:\n${claimantLines(claimants)}`,
      `check which one you mean (e.g. its operator tells you its PeerId), then: agentwire resolve ${name} --pick <PeerId>  (or trust it: agentwire trust approve <PeerId>)`)
    this.name = 'NameAmbiguousError'
    this.details = { name, claimants, pick: `agentwire resolve ${name} --pick <PeerId>` }
  }
}

export class NamePickError extends AgentwireError {
  static override name = 'NamePickError'
  constructor (name: string, pick: string, reason: string) {
    super('NAME_PICK_REFUSED', `cannot pick ${pick} for "${name}": ${reason}`, `list the claimants with: agentwire resolve ${name}`)
    this.name = 'NamePickError'
  }
}

/** A domain's DNS proof exists but does not hold: refused, never silently replaced by a DHT claim. */
export class NameProofInvalidError extends AgentwireError {
  static override name = 'NameProofInvalidError'
  constructor (name: string, reason: string) {
    super('NAME_PROOF_INVALID', `the DNS proof for "${name}" is invalid: ${reason}`,
      `the domain's operator must publish exactly one PeerId: a TXT record at _agentwire.${name} of the form "dnslink=/p2p/<PeerId>" or "dnsaddr=/ip4/…/p2p/<PeerId>"`)
    this.name = 'NameProofInvalidError'
  }
}

export class NameDnsUnavailableError extends AgentwireError {
  static override name = 'NameDnsUnavailableError'
  constructor (name: string, reason: string) {
    super('NAME_DNS_UNAVAILABLE', `could not check the DNS proof for "${name}": ${reason}`,
      'a name with a dot is checked against DNS first, so a squatter cannot win while DNS is down; check `naming.dnsServers` in the config, or retry')
    this.name = 'NameDnsUnavailableError'
  }
}

import { AgentwireError } from '../errors.ts'

export class InvalidNameRecordError extends AgentwireError {
  static override name = 'InvalidNameRecordError'
  constructor (reason: string) {
    super('INVALID_NAME_RECORD', `invalid name record: ${reason}`)
    this.name = 'InvalidNameRecordError'
  }
}

export class NameNotFoundError extends AgentwireError {
  static override name = 'NameNotFoundError'
  constructor (name: string, detail: string) {
    super('NAME_NOT_FOUND', `no node publishes the name "${name}" (${detail})`, 'check the spelling, that the node has `name` in its config and is running, and that both nodes share a bootstrap peer')
    this.name = 'NameNotFoundError'
  }
}

export class NamePinConflictError extends AgentwireError {
  static override name = 'NamePinConflictError'
  readonly pinned: string
  readonly claimant: string
  constructor (name: string, pinned: string, claimant: string) {
    super('NAME_PIN_CONFLICT',
      `the name "${name}" is pinned to ${pinned}, but the DHT now says it belongs to ${claimant}; not following the change silently`,
      `if ${claimant} is the node you mean (e.g. it was re-installed with a new key), accept it deliberately: agentwire resolve ${name} --accept-new`)
    this.name = 'NamePinConflictError'
    this.pinned = pinned
    this.claimant = claimant
  }
}

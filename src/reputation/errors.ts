import { AgentwireError, type ErrorCode } from '../errors.ts'

export class InvalidReportError extends AgentwireError {
  static override name = 'InvalidReportError'
  constructor (code: ErrorCode, reason: string) {
    super(code, `trust report refused: ${reason}`, 'reports must be signed by their issuer, fresh, newer than the last one, and under the size cap')
    this.name = 'InvalidReportError'
  }
}

export class UnknownOutcomeError extends AgentwireError {
  static override name = 'UnknownOutcomeError'
  constructor (outcome: string) {
    super('UNKNOWN_OUTCOME', `unknown outcome "${outcome}"`, 'use one of: ok, fail (failed), timeout, invalid, malicious')
    this.name = 'UnknownOutcomeError'
  }
}

export class NotQuarantinedError extends AgentwireError {
  static override name = 'NotQuarantinedError'
  constructor (peer: string) {
    super('NOT_QUARANTINED', `peer ${peer} is not in quarantine`, 'see `agentwire reputation` for the peers this node holds in quarantine')
    this.name = 'NotQuarantinedError'
  }
}

export class SelfRatingError extends AgentwireError {
  static override name = 'SelfRatingError'
  constructor () {
    super('SELF_RATING', 'a node cannot rate itself', 'give the PeerId of the peer whose call finished')
    this.name = 'SelfRatingError'
  }
}

import { AgentwireError, type ErrorCode } from '../errors.ts'

export class EnvelopeError extends AgentwireError {
  static override name = 'EnvelopeError'
  constructor (code: ErrorCode, message: string, hint?: string) {
    super(code, message, hint)
    this.name = 'EnvelopeError'
  }
}

export class CardVerificationError extends AgentwireError {
  static override name = 'CardVerificationError'
  constructor (peer: string, reason: string) {
    super('CARD_UNVERIFIED', `the AgentCard from ${peer} failed verification: ${reason}`, 'do not trust this card; the peer may be misconfigured or impersonating another agent')
    this.name = 'CardVerificationError'
  }
}

export class CallLimitError extends AgentwireError {
  static override name = 'CallLimitError'
  constructor (limit: number) {
    super('TOO_MANY_CALLS', `more than ${limit} concurrent A2A calls from this peer`, 'wait for running calls to finish')
    this.name = 'CallLimitError'
  }
}

/** A gateway request refused before it is carried anywhere; `status` is the HTTP status it is answered with. */
export class GatewayRefusedError extends AgentwireError {
  static override name = 'GatewayRefusedError'
  readonly status: number
  constructor (status: number, code: ErrorCode, message: string, hint: string) {
    super(code, message, hint)
    this.name = 'GatewayRefusedError'
    this.status = status
  }
}

/** The gateway's configuration would let anyone who reaches it act as this node, or its token file is unsafe. */
export class GatewayConfigError extends AgentwireError {
  static override name = 'GatewayConfigError'
  constructor (code: ErrorCode, message: string, hint: string) {
    super(code, message, hint)
    this.name = 'GatewayConfigError'
  }
}

/**
 * A session call that ended without its answer. `delivered: false` means the request provably never
 * left this node (the session ended before it was written), so sending it again cannot run it twice.
 */
export class SessionCallError extends AgentwireError {
  static override name = 'SessionCallError'
  readonly delivered: boolean
  constructor (peer: string, delivered: boolean, reason: string) {
    super(delivered ? 'A2A_INTERRUPTED' : 'A2A_UNAVAILABLE',
      delivered ? `the call to ${peer} was cut off (${reason}); it may or may not have run` : `the A2A session to ${peer} ended before the call was sent (${reason})`,
      delivered ? 'it is not sent again by itself: check with GetTask or ListTasks before repeating it' : 'try again')
    this.name = 'SessionCallError'
    this.delivered = delivered
  }
}

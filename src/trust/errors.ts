import { AgentwireError, type ErrorCode } from '../errors.ts'

export class NotTrustedError extends AgentwireError {
  static override name = 'NotTrustedError'
  constructor (peer: string, protocol: string, selfId: string) {
    super('NOT_TRUSTED', `peer ${peer} is not trusted by ${selfId} for ${protocol}`,
      `ask for trust first: agentwire trust request ${selfId} --reason "…", then wait for its operator to run \`agentwire trust approve ${peer}\``)
    this.name = 'NotTrustedError'
  }
}

export class HandshakeRefusedError extends AgentwireError {
  static override name = 'HandshakeRefusedError'
  constructor (code: ErrorCode, reason: string, hint?: string) {
    super(code, `handshake refused: ${reason}`, hint)
    this.name = 'HandshakeRefusedError'
  }
}

export class UnknownPeerError extends AgentwireError {
  static override name = 'UnknownPeerError'
  constructor (peer: string) {
    super('UNKNOWN_PEER', `no trust record for ${peer}`, 'see `agentwire trust list` and `agentwire trust pending`')
    this.name = 'UnknownPeerError'
  }
}

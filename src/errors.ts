// The one error shape every layer shares: a stable `code` a caller can switch on, a message that says
// what was wrong, and a hint that says how to fix it. The CLI prints `error:` and `hint:` from these.
import type { ErrorCode } from './error-codes.ts'

export { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.ts'

export class AgentwireError extends Error {
  static override name = 'AgentwireError'
  /** One of ERROR_CODES when raised here; whatever the other side sent when built by fromBody. */
  readonly code: string
  readonly hint: string | undefined

  constructor (code: ErrorCode, message: string, hint?: string) {
    super(message)
    this.name = 'AgentwireError'
    this.code = code
    this.hint = hint
  }
}

/**
 * An error another process sent (a peer's `{error}` frame, the daemon's answer), carried with its code
 * as it came: the code may be one this version does not know.
 */
export function errorFromBody (body: ErrorBody): AgentwireError {
  const err = new AgentwireError('REMOTE_ERROR', body.message, body.hint)
  Object.defineProperty(err, 'code', { value: body.code, enumerable: true })
  if (body.details != null) Object.assign(err, { details: body.details })
  return err
}

/** The serialisable form carried over the control socket and printed by `--json`. */
export interface ErrorBody {
  code: string
  message: string
  hint?: string
  /** Structured facts behind the error (e.g. NAME_AMBIGUOUS's claimants), for --json readers. */
  details?: unknown
}

export function toErrorBody (err: unknown): ErrorBody {
  if (err instanceof AgentwireError) {
    const details = (err as { details?: unknown }).details
    return { code: err.code, message: err.message, ...(err.hint != null ? { hint: err.hint } : {}), ...(details != null ? { details } : {}) }
  }
  const e = err as { name?: string, message?: string, code?: string }
  return { code: e?.code ?? e?.name ?? 'INTERNAL', message: e?.message ?? String(err) }
}

// The one error shape every layer shares: a stable `code` a caller can switch on, a message that says
// what was wrong, and a hint that says how to fix it. The CLI prints `error:` and `hint:` from these.

export class AgentwireError extends Error {
  static override name = 'AgentwireError'
  readonly code: string
  readonly hint: string | undefined

  constructor (code: string, message: string, hint?: string) {
    super(message)
    this.name = 'AgentwireError'
    this.code = code
    this.hint = hint
  }
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

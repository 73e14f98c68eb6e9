// What a `catch` holds is `unknown` (anything can be thrown); these turn it into what a log line,
// an error message or `stream.abort()` needs, without an `any` at each catch.

/** The thrown value as an Error (a non-Error is wrapped, its text kept). */
export function asError (thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}

/** The thrown value's message. */
export function messageOf (thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown)
}

/** The thrown value's `code` property, when it has a string one (Node and agentwire errors do). */
export function codeOf (thrown: unknown): string | undefined {
  const code = (thrown as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

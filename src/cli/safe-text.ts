// Text from other peers made inert before it reaches a terminal (see print.ts).

// C0 controls (tab and newline included: a value never gets to start a fake line), DEL, C1 controls,
// and the Unicode bidi overrides and isolates that reorder what a terminal shows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * One string made safe to print: each unsafe character becomes a visible escape such as `\x1b`.
 * `keepLines` lets newlines and tabs through, for an agent's answer text, which is meant to have
 * lines; carriage returns and escape sequences, which could overwrite what is shown, still go.
 */
export function safeText (text: string, keepLines = false): string {
  return text.replace(UNSAFE, c => {
    if (keepLines && (c === '\n' || c === '\t')) return c
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** A result with every string in it (keys too) made safe to print. */
export function safeResult<T> (value: T, keepLines = false, depth = 0): T {
  if (typeof value === 'string') return safeText(value, keepLines) as T
  if (value == null || typeof value !== 'object' || depth > 64) return value
  if (Array.isArray(value)) return value.map((v: unknown) => safeResult(v, keepLines, depth + 1)) as T
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[safeText(k)] = safeResult(v, keepLines, depth + 1)
  return out as T
}

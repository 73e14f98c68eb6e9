// The session's wire frames as schemas. Caller → callee: a call (the stream binding's request frame
// plus a request id and the frames the caller can buffer), more credit, or a cancel. Callee →
// caller: one answer frame for a request id (a JSON-RPC response or a refusal), possibly the last,
// or a refusal of the whole session (no request id).
import { z } from 'zod'
import { errorFrameSchema } from '../../node/frames.ts'
import { requestFrameSchema } from '../frames.ts'
import { SESSION_MAX_CREDIT } from './constants.ts'

/** A request id: chosen by the caller, never reused within a session. */
const rid = z.number().int().min(0).max(2 ** 53 - 1)
const credit = z.number().int().min(1).max(SESSION_MAX_CREDIT)

export const sessionCallSchema = requestFrameSchema.extend({ rid, credit })
export const sessionCreditSchema = z.strictObject({ rid, credit })
export const sessionCancelSchema = z.strictObject({ rid, cancel: z.literal(true) })

/** Anything a caller may send on a session. */
export const sessionInboundSchema = z.union([sessionCallSchema, sessionCancelSchema, sessionCreditSchema])

/**
 * An answer frame for one call; `frame` is checked per call (responseFrameSchema), so one bad answer
 * fails one call. `end` closes the answer; `reset` with it says the callee gave up on the call.
 */
export const sessionAnswerSchema = z.strictObject({ rid, frame: z.unknown().optional(), end: z.literal(true).optional(), reset: z.literal(true).optional() })

/** Anything a callee may send on a session. */
export const sessionOutboundSchema = z.union([sessionAnswerSchema, errorFrameSchema])

export type SessionCall = z.output<typeof sessionCallSchema>
export type SessionInbound = z.output<typeof sessionInboundSchema>
export type SessionAnswer = z.output<typeof sessionAnswerSchema>

/** The first mismatch a schema found, as "path: message" (a union's first branch named). */
export function firstIssue (error: z.ZodError): string {
  let issue = error.issues[0]
  while (issue.code === 'invalid_union' && issue.errors[0]?.[0] != null) issue = { ...issue.errors[0][0], path: [...issue.path, ...issue.errors[0][0].path] }
  return `${issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`
}

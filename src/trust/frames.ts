// The audit-witness protocol's frames as schemas, checked where they are read.
import { z } from 'zod'
import { errorFrameSchema } from '../node/frames.ts'

/** A signed audit-log head (its signature is checked by verifyHead). */
export const signedHeadSchema = z.object({ peerId: z.string(), seq: z.number().int().nonnegative(), hash: z.string(), ts: z.string(), sig: z.string() })

/**
 * What a peer sends a witness: a head to keep, or a request for the ones kept. Anything else reads as
 * null, which the witness refuses as BAD_CHECKPOINT (a strike), as it did before the schema.
 */
export const witnessFrameSchema = z.union([
  z.object({ kind: z.literal('get') }),
  z.object({ kind: z.literal('checkpoint'), head: signedHeadSchema })
]).nullable().catch(null)

/** A witness's answer: the heads it keeps (to `get`), what it kept (to `checkpoint`), or a refusal. */
export const witnessReplySchema = z.union([
  z.object({ checkpoints: z.array(signedHeadSchema) }),
  z.object({ ok: z.literal(true), kept: z.number() }),
  errorFrameSchema
])

export type WitnessFrame = NonNullable<z.output<typeof witnessFrameSchema>>

/**
 * The handshake's frames, read by trust-service.ts with read(schema). A shape error is
 * BAD_HANDSHAKE; the reason's length is left to verifyHandshake, which answers REASON_TOO_LONG.
 */
export const signedHandshakeSchema = z.object({
  body: z.object({
    kind: z.enum(['request', 'approve', 'reject', 'revoke']),
    from: z.string(),
    to: z.string(),
    reason: z.string().optional(),
    nonce: z.string().regex(/^[0-9a-f]{16,64}$/, 'must be 16 to 64 hex digits'),
    ts: z.number().refine(Number.isSafeInteger, 'must be a whole number of ms')
  }),
  sig: z.string()
})

/** The answer to a handshake message: the state it left, or a refusal. */
export const handshakeReplySchema = z.union([z.object({ ok: z.literal(true), state: z.string() }), errorFrameSchema])

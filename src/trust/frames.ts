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

// The A2A binding's wire frames as schemas, checked where they are read (jsonStream.read(schema)):
// the request a caller sends, the JSON-RPC responses it gets back, and a peer's card.
import { z } from 'zod'
import { errorFrameSchema } from '../node/frames.ts'

/** A nonce as the envelope and the handshake carry it: 8 to 32 random bytes, hex. */
const nonce = z.string().regex(/^[0-9a-f]{16,64}$/, 'must be 16 to 64 hex digits')

/** The signed envelope's shape; its signature, sender and freshness are checked by verifyEnvelope. */
export const envelopeSchema = z.object({
  from: z.string(),
  to: z.string(),
  nonce,
  ts: z.number().refine(Number.isSafeInteger, 'must be a whole number of ms'),
  bodyHash: z.string(),
  sig: z.string()
})

/** What a caller sends first: the signed envelope and the exact JSON-RPC request text it covers. */
export const requestFrameSchema = z.object({
  envelope: envelopeSchema,
  body: z.string(),
  // An unknown or odd version falls back to ours (A2A_VERSION), as before the schema.
  version: z.string().optional().catch(undefined)
})

/** One JSON-RPC 2.0 response (or stream event) from the callee's agent. */
export const rpcResponseSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  result: z.unknown().optional(),
  error: z.looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() }).optional()
}).refine(f => f.result !== undefined || f.error != null, 'a JSON-RPC response carries a result or an error')

/** What a caller reads: a response, or a refusal by the callee's gate or envelope check (no `jsonrpc`). */
export const responseFrameSchema = z.union([rpcResponseSchema, errorFrameSchema])

/** A peer's AgentCard (its signature is checked by verifyCard), or a refusal. */
export const cardFrameSchema = z.union([z.object({ card: z.record(z.string(), z.unknown()) }), errorFrameSchema])

export type RequestFrameJson = z.output<typeof requestFrameSchema>

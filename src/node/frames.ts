// The one frame every agentwire protocol shares: a refusal, `{error: {code, message, hint?}}`.
// Each protocol's own frames are schemas in its folder (a2a/frames.ts, trust/frames.ts), read with
// jsonStream's read(schema) so a handler only ever sees a checked frame.
import { z } from 'zod'

/** How a handler refuses a request (JsonStream.writeError); read back by throwIfErrorFrame. */
export const errorFrameSchema = z.object({
  error: z.looseObject({ code: z.unknown().optional(), message: z.unknown().optional(), hint: z.unknown().optional() })
})

/** Any JSON object, unchecked beyond that: for tests and diagnostic tools whose subject is the frame itself. */
export const anyFrameSchema = z.looseObject({})

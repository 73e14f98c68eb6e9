// The card protocol reads nothing; whatever a peer sends, it must answer with the signed card (or
// reset) and end the stream.
import { CARD_PROTOCOL } from '../../../src/a2a/index.ts'
import type { FuzzTarget } from '../context.ts'
import { damagedFrame, FRAME_DAMAGE, jsonBytes, junkJson } from '../inputs.ts'
import { probe } from '../probe.ts'
import { describe } from '../describe.ts'

export const cardTarget: FuzzTarget = {
  name: 'card',
  run: async (ctx, rng, count, signal, caseId) => {
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const who = r.bool() ? ctx.attacker : ctx.stranger
      await ctx.readmit(who)
      const damage = r.pick(FRAME_DAMAGE)
      const bytes = damagedFrame(r, jsonBytes(junkJson(r)), damage, 64 * 1024)
      const before = ctx.rejections()
      const result = await probe(who, ctx.victim, CARD_PROTOCOL, bytes, { deadlineMs: ctx.deadlineMs, closeWrite: r.bool(0.8) })
      await ctx.expectHandled(caseId(i), result, before, describe(damage, bytes))
    }
    return i
  }
}

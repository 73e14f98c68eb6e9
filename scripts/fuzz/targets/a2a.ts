// The A2A binding: junk frames, request frames with a confused envelope, and correctly signed
// envelopes over type-confused JSON-RPC bodies (which reach the SDK's handler behind the binding).
import { A2A_PROTOCOL, signEnvelope } from '../../../src/a2a/index.ts'
import type { FuzzTarget } from '../context.ts'
import { concat, confuse, damagedFrame, FRAME_DAMAGE, jsonBytes, junkJson, varint } from '../inputs.ts'
import { probe } from '../probe.ts'
import { describe } from '../describe.ts'
import type { Rng } from '../../lib/rng.ts'

const METHODS = ['SendMessage', 'SendStreamingMessage', 'GetTask', 'CancelTask', 'ListTasks', 'SubscribeToTask', 'GetExtendedAgentCard', 'tasks/get', '', '__proto__', 'constructor']

function validRequest (rng: Rng): unknown {
  const method = rng.pick(METHODS)
  const params = method.startsWith('Send')
    ? { message: { messageId: 'm-' + rng.int(1e9), role: 'ROLE_USER', parts: [{ text: 'fuzz ping' }] } }
    : method.endsWith('Task') ? { id: 'task-' + rng.int(100) } : { pageSize: rng.int(10) }
  return { jsonrpc: '2.0', id: rng.bool() ? rng.int(1e6) : 'id-' + rng.int(1e6), method, params }
}

async function body (rng: Rng): Promise<string> {
  switch (rng.int(4)) {
    case 0: return JSON.stringify(junkJson(rng)) ?? 'null'
    case 1: return rng.pick(['', 'null', '[]', '{', '"x"', '1e999', '{"jsonrpc":"2.0"}', '\u0000'])
    default: return JSON.stringify(confuse(rng, validRequest(rng)))
  }
}

export const a2aTarget: FuzzTarget = {
  name: 'a2a',
  run: async (ctx, rng, count, signal, caseId) => {
    const max = ctx.victim.config.a2a.maxFrameBytes
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const who = r.bool(0.85) ? ctx.attacker : ctx.stranger
      await ctx.readmit(who)
      const text = await body(r)
      const envelope = await signEnvelope(who.key, who.peerId.toString(), r.bool(0.95) ? ctx.victim.peerId.toString() : who.peerId.toString(), text)
      let frame: unknown = { envelope, body: text, version: r.bool(0.9) ? '1.0' : junkJson(r, 1) }
      const shape = r.int(10)
      if (shape === 0) frame = junkJson(r)
      else if (shape === 1) frame = confuse(r, frame)
      let bytes: Uint8Array
      let damage: string = r.bool(0.7) && shape >= 2 ? 'intact' : r.pick(FRAME_DAMAGE)
      if (r.int(60) === 0) {
        damage = 'really-oversized'
        // A frame really larger than the cap (not just a lying prefix): must not be buffered whole.
        bytes = concat(varint(max + 1024), new Uint8Array(max + 1024).fill(0x7b))
      } else {
        bytes = damagedFrame(r, jsonBytes(frame), damage as any, max)
      }
      const before = ctx.rejections()
      const result = await probe(who, ctx.victim, A2A_PROTOCOL, bytes, { deadlineMs: ctx.deadlineMs })
      await ctx.expectHandled(caseId(i), result, before, describe(damage, bytes))
    }
    return i
  }
}

// The trust handshake: damaged frames, junk, and correctly signed messages with confused fields
// (signed after confusing, so they get past the signature check to the code behind it).
import { randomBytes } from 'node:crypto'
import { fromString, toString } from 'uint8arrays'
import { HANDSHAKE_PROTOCOL } from '../../../src/trust/index.ts'
import { HANDSHAKE_SIGNING_CONTEXT, MAX_HANDSHAKE_BYTES } from '../../../src/trust/constants.ts'
import type { FuzzTarget } from '../context.ts'
import { confuse, damagedFrame, FRAME_DAMAGE, jsonBytes, junkJson } from '../inputs.ts'
import { probe } from '../probe.ts'
import { describe } from '../describe.ts'
import type { Rng } from '../../lib/rng.ts'
import type { AgentNode } from '../../../src/agent-node.ts'

async function signed (rng: Rng, from: AgentNode, to: string, confused: boolean): Promise<unknown> {
  let body: any = { kind: rng.pick(['request', 'approve', 'reject', 'revoke']), from: from.peerId.toString(), to, nonce: randomBytes(16).toString('hex'), ts: Date.now(), ...(rng.bool() ? { reason: 'fuzz' } : {}) }
  if (confused) body = confuse(rng, body)
  let sig = 'AAAA'
  try {
    const b = body ?? {}
    sig = toString(await from.key.sign(fromString(HANDSHAKE_SIGNING_CONTEXT + JSON.stringify([b.kind, b.from, b.to, b.reason ?? null, b.nonce, b.ts]))), 'base64url')
  } catch {}
  return rng.bool(0.9) ? { body, sig } : confuse(rng, { body, sig })
}

export const handshakeTarget: FuzzTarget = {
  name: 'handshake',
  run: async (ctx, rng, count, signal, caseId) => {
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const who = r.bool(0.8) ? ctx.attacker : ctx.stranger
      await ctx.readmit(who)
      const kind = r.int(3)
      const value = kind === 0 ? junkJson(r) : await signed(r, who, r.bool(0.9) ? ctx.victim.peerId.toString() : who.peerId.toString(), kind === 2)
      const damage = r.pick(FRAME_DAMAGE)
      const bytes = damagedFrame(r, jsonBytes(value), damage, MAX_HANDSHAKE_BYTES)
      const before = ctx.rejections()
      const result = await probe(who, ctx.victim, HANDSHAKE_PROTOCOL, bytes, { deadlineMs: ctx.deadlineMs })
      await ctx.expectHandled(caseId(i), result, before, describe(damage, bytes))
    }
    return i
  }
}

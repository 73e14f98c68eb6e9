// Name records: the DHT validator and selector called directly with hostile values, and PUT_VALUE
// messages carrying them sent through a real `/agentwire/kad/1.0.0` stream to a DHT server.
import { Libp2pRecord } from '@libp2p/record'
import { fromString } from 'uint8arrays'
import { validateNameRecord, selectNameRecord, signNameRecord, nameKey, InvalidNameRecordError } from '../../../src/naming/index.ts'
import { DHT_PROTOCOL } from '../../../src/node/constants.ts'
import type { FuzzTarget } from '../context.ts'
import { concat, confuse, jsonBytes, junkJson, lpFrame, varint } from '../inputs.ts'
import { probe } from '../probe.ts'
import type { Rng } from '../../lib/rng.ts'
import type { AgentNode } from '../../../src/agent-node.ts'

async function recordValue (rng: Rng, signer: AgentNode): Promise<{ name: string, value: Uint8Array }> {
  const name = rng.pick(['fuzz', 'a', 'x'.repeat(63), 'fuzz-' + rng.int(1000)])
  const record = { name, peerId: signer.peerId.toString(), seq: rng.int(1e6), expiresAt: Date.now() + 60_000 }
  switch (rng.int(5)) {
    case 0: return { name, value: rng.bytes(rng.int(2000)) }
    case 1: return { name, value: jsonBytes(junkJson(rng)) }
    case 2: return { name, value: jsonBytes(confuse(rng, JSON.parse(new TextDecoder().decode(await signNameRecord(signer.key, record))))) }
    case 3: {
      // Confused, then signed: valid signature over odd values.
      const odd: any = confuse(rng, record)
      try { return { name, value: await signNameRecord(signer.key, odd) } } catch { return { name, value: jsonBytes(odd) } }
    }
    default: return { name, value: await signNameRecord(signer.key, record) }
  }
}

function field (n: number, bytes: Uint8Array): Uint8Array {
  return concat(Uint8Array.of((n << 3) | 2), varint(bytes.length), bytes)
}

/** A kad-dht Message {type: PUT_VALUE, key, record} encoded by hand (protobuf), so fields can lie. */
function putValueMessage (rng: Rng, key: Uint8Array, value: Uint8Array): Uint8Array {
  const recordKey = rng.bool(0.9) ? key : rng.bytes(rng.int(40))
  const record = rng.bool(0.9) ? new Libp2pRecord(recordKey, value, new Date()).serialize() : rng.bytes(rng.int(300))
  return concat(Uint8Array.of(0x08, rng.bool(0.95) ? 0 : rng.int(200)), field(2, key), field(3, record))
}

export const namesTarget: FuzzTarget = {
  name: 'names',
  run: async (ctx, rng, count, signal, caseId) => {
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const { name, value } = await recordValue(r, r.bool(0.9) ? ctx.attacker : ctx.stranger)
      const key = r.bool(0.9) ? nameKey(name) : fromString('/agentwire-name/' + r.pick(['other', '', '../x']))
      // The validator: resolves or throws InvalidNameRecordError, nothing else.
      try {
        await validateNameRecord(key, value)
      } catch (err: any) {
        if (!(err instanceof InvalidNameRecordError)) ctx.finding({ caseId: caseId(i), what: 'validator threw something other than InvalidNameRecordError', detail: `${err.name}: ${err.message}` })
      }
      // The selector: never throws, always an index into the values.
      const values = Array.from({ length: 1 + r.int(4) }, (_, j) => j === 0 ? value : jsonBytes(junkJson(r)))
      try {
        const best = await selectNameRecord(key, values)
        if (!Number.isInteger(best) || best < 0 || best >= values.length) ctx.finding({ caseId: caseId(i), what: `selector returned ${best} for ${values.length} values` })
      } catch (err: any) {
        ctx.finding({ caseId: caseId(i), what: 'selector threw', detail: `${err.name}: ${err.message}` })
      }
      // PUT_VALUE through a real DHT stream.
      if (r.bool(0.5)) {
        await ctx.readmit(ctx.attacker)
        const message = putValueMessage(r, key, value)
        const bytes = r.bool(0.85) ? lpFrame(message) : message.subarray(0, r.int(message.length))
        const result = await probe(ctx.attacker, ctx.victim, DHT_PROTOCOL, bytes, { deadlineMs: ctx.deadlineMs })
        if (result.outcome === 'open') ctx.finding({ caseId: caseId(i), what: 'DHT left a PUT_VALUE stream open' })
      }
    }
    return i
  }
}

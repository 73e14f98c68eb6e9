// The control socket: junk lines, confused requests, overlong lines, binary and unterminated input.
// The daemon must answer or close every connection, and keep answering real commands afterwards.
import { connect } from 'node:net'
import type { FuzzTarget } from '../context.ts'
import { confuse, junkJson } from '../inputs.ts'
import type { Rng } from '../../lib/rng.ts'
import { MAX_LINE_BYTES } from '../../../src/control/constants.ts'

/** Commands that answer without going to the network (a junk target fails before any dial). */
const METHODS = ['info', 'peers', 'trust.pending', 'trust.list', 'trust.approve', 'trust.revoke', 'resolve', 'disconnect', 'tasks.get', 'card', 'nope', '__proto__', 'constructor', 'hasOwnProperty']

function payload (rng: Rng): Buffer {
  switch (rng.int(7)) {
    case 0: return Buffer.from(rng.bytes(rng.int(2000)))
    case 1: return Buffer.from(JSON.stringify(junkJson(rng)) + '\n')
    case 2: return Buffer.from('x'.repeat(MAX_LINE_BYTES + 10))
    case 3: return Buffer.from('{"method":"info"') // never terminated
    case 4: return Buffer.from('\n\n{"method":"info"}\n{"method":"info"}\n')
    default: return Buffer.from(JSON.stringify(confuse(rng, { method: rng.pick(METHODS), params: { target: rng.pick(['', 'not a peer', '/ip4/1.2.3.4', 'UPPER']), taskId: 't' } })) + '\n')
  }
}

/** Longest answer line we keep, in characters: every answer to junk is a short error, never an echo of the junk. */
const MAX_REPLY_CHARS = 65536

/** Send bytes; resolve with what came back once the daemon closes, or 'open' at the deadline. */
async function exchange (path: string, bytes: Buffer, endWrite: boolean, deadlineMs: number): Promise<{ open: boolean, reply: string, cut: boolean }> {
  return await new Promise(resolve => {
    const socket = connect(path)
    let reply = ''
    let cut = false
    const timer = setTimeout(() => { socket.destroy(); resolve({ open: true, reply, cut }) }, deadlineMs)
    socket.on('data', d => {
      if (reply.length < MAX_REPLY_CHARS) reply += d.toString('utf8')
      else cut = true
    })
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(timer); resolve({ open: false, reply, cut }) })
    socket.write(bytes, () => { if (endWrite) socket.end() })
  })
}

export const controlTarget: FuzzTarget = {
  name: 'control',
  run: async (ctx, rng, count, signal, caseId) => {
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const bytes = payload(r)
      // Rarely: keep our side open. The daemon must still end the connection (the harness gives its
      // control socket a 3 s request deadline, far under ctx.deadlineMs), and each such case costs that long.
      const endWrite = r.bool(0.97)
      const { open, reply, cut } = await exchange(ctx.controlSocket, bytes, endWrite, ctx.deadlineMs)
      if (open) ctx.finding({ caseId: caseId(i), what: 'control socket left a finished connection open', detail: bytes.subarray(0, 80).toString('utf8') })
      const lines = reply.split('\n')
      if (cut || lines.some(line => line.length >= MAX_REPLY_CHARS)) {
        ctx.finding({ caseId: caseId(i), what: `control socket answered with a line of ${MAX_REPLY_CHARS} characters or more (an echo of the input?)`, detail: reply.slice(0, 80) })
        continue
      }
      for (const line of lines) {
        if (line === '') continue
        try { JSON.parse(line) } catch { ctx.finding({ caseId: caseId(i), what: 'control socket answered with a line that is not JSON', detail: line.slice(0, 80) }) }
      }
    }
    // Still serving: a real command answers.
    const check = await exchange(ctx.controlSocket, Buffer.from('{"method":"info"}\n'), true, ctx.deadlineMs)
    if (!check.reply.includes('"result"')) ctx.finding({ caseId: caseId(i), what: 'control socket stopped answering `info` after the fuzz cases', detail: check.reply.slice(0, 200) })
    return i
  }
}

// Newline-delimited JSON over a Unix socket, with a cap on line length so a bad client cannot make
// the daemon buffer without bound.
import type { Socket } from 'node:net'
import { ControlProtocolError } from './errors.ts'
import { MAX_LINE_BYTES } from './constants.ts'
import { parseJsonWithin, JsonBudgetError } from '../node/json-budget.ts'

/**
 * Call `onLine` with each parsed JSON line; `onError` once on an oversized or malformed line, after
 * which the rest of the input is ignored. Each chunk is scanned once: a 4 MiB line without a
 * newline costs 4 MiB of work, not a rescan of everything buffered per chunk.
 */
export function readJsonLines (socket: Socket, onLine: (value: unknown) => void, onError: (err: Error) => void): void {
  let pending: string[] = []
  let pendingBytes = 0
  let failed = false
  const fail = (err: Error): void => {
    failed = true
    pending = []
    onError(err)
  }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    if (failed) return
    let start = 0
    let newline: number
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      const part = chunk.slice(start, newline)
      start = newline + 1
      if (pendingBytes + Buffer.byteLength(part) > MAX_LINE_BYTES) { fail(tooLong()); return }
      const line = pending.join('') + part
      pending = []
      pendingBytes = 0
      if (line.trim() === '') continue
      let value: unknown
      try {
        value = parseJsonWithin(line)
      } catch (err) {
        fail(new ControlProtocolError(err instanceof JsonBudgetError ? `control message ${err.message}` : 'control message is not valid JSON'))
        return
      }
      onLine(value)
      if (failed) return
    }
    const rest = chunk.slice(start)
    pendingBytes += Buffer.byteLength(rest)
    if (pendingBytes > MAX_LINE_BYTES) { fail(tooLong()); return }
    if (rest !== '') pending.push(rest)
  })
}

function tooLong (): ControlProtocolError {
  return new ControlProtocolError(`control message longer than ${MAX_LINE_BYTES} bytes`)
}

export function writeJsonLine (socket: Socket, value: unknown): void {
  if (!socket.destroyed) socket.write(JSON.stringify(value) + '\n')
}

// Newline-delimited JSON over a Unix socket, with a cap on line length so a bad client cannot make
// the daemon buffer without bound.
import type { Socket } from 'node:net'
import { ControlProtocolError } from './errors.ts'
import { MAX_LINE_BYTES } from './constants.ts'
import { parseJsonWithin, JsonBudgetError } from '../node/json-budget.ts'

/** Call `onLine` with each parsed JSON line; `onError` once on an oversized or malformed line. */
export function readJsonLines (socket: Socket, onLine: (value: unknown) => void, onError: (err: Error) => void): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let newline: number
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      if (line.trim() === '') continue
      let value: unknown
      try {
        value = parseJsonWithin(line)
      } catch (err) {
        onError(new ControlProtocolError(err instanceof JsonBudgetError ? `control message ${err.message}` : 'control message is not valid JSON'))
        return
      }
      onLine(value)
    }
    if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
      buffered = ''
      onError(new ControlProtocolError(`control message longer than ${MAX_LINE_BYTES} bytes`))
    }
  })
}

export function writeJsonLine (socket: Socket, value: unknown): void {
  if (!socket.destroyed) socket.write(JSON.stringify(value) + '\n')
}

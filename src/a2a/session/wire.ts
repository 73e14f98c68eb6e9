// One long-lived stream carrying length-prefixed JSON frames in both directions, event-driven: the
// session reads frames as they arrive (no read deadline: a session is idle between calls) and
// writes whole frames, waiting while the stream's send buffer is full so a peer that stops reading
// holds its writers back instead of growing our memory.
import type { Stream } from '@libp2p/interface'
import { fromString, toString } from 'uint8arrays'
import { checkJsonBudget, JsonBudgetError } from '../../node/json-budget.ts'
import { BadFrameError } from '../../node/json-stream.ts'
import { toErrorBody } from '../../errors.ts'

export interface SessionWireInit {
  /** Largest frame accepted, in bytes. */
  maxBytes: number
  /** Each complete frame, parsed (a JSON object); a throw here ends the session with that error, sent as an `{error}` frame. */
  onFrame: (value: object) => void
  /** The stream is gone (closed both ways, reset or aborted), with the error if it failed (a bad frame included). */
  onClose: (err?: Error) => void
}

export interface SessionWire {
  /**
   * Send one frame; resolves once it is in the stream, after waiting for room if the peer reads
   * slowly. A throw means the frame was not handed to the stream.
   */
  write: (value: unknown, signal?: AbortSignal) => Promise<void>
  readonly stream: Stream
}

export function sessionWire (stream: Stream, init: SessionWireInit): SessionWire {
  const chunks: Uint8Array[] = []
  let buffered = 0
  let failed = false
  let failure: Error | undefined
  // A frame that breaks the protocol ends the session: say why in an `{error}` frame, then close.
  const fail = (err: Error): void => {
    if (failed) return
    failed = true
    failure = err
    try {
      stream.send(encode({ error: toErrorBody(err) }))
      void stream.close().catch(() => { stream.abort(err) })
    } catch {
      stream.abort(err)
    }
  }
  stream.addEventListener('message', evt => {
    if (failed) return
    chunks.push(evt.data.subarray())
    buffered += evt.data.byteLength
    try {
      for (let frame = take(); frame != null; frame = take()) init.onFrame(parse(frame))
    } catch (err) {
      fail(err as Error)
    }
  })
  stream.addEventListener('close', evt => { init.onClose(evt.error ?? failure) }, { once: true })

  /** The next whole frame's bytes, or undefined while it has not all arrived. */
  function take (): Uint8Array | undefined {
    if (buffered === 0) return undefined
    const head = chunks.length === 1 ? chunks[0] : join()
    let length = 0
    let shift = 0
    let at = 0
    for (;; at++) {
      if (at >= head.byteLength) return undefined
      if (at >= 5) throw new BadFrameError('the length prefix is too long')
      const byte = head[at]
      length += (byte & 0x7f) * 2 ** shift
      shift += 7
      if (byte < 0x80) break
    }
    if (length > init.maxBytes) throw new BadFrameError(`longer than ${init.maxBytes} bytes`)
    const end = at + 1 + length
    if (head.byteLength < end) return undefined
    const frame = head.subarray(at + 1, end)
    chunks.length = 0
    buffered = head.byteLength - end
    if (buffered > 0) chunks.push(head.subarray(end))
    return frame
  }
  function join (): Uint8Array {
    const all = new Uint8Array(buffered)
    let at = 0
    for (const c of chunks) { all.set(c, at); at += c.byteLength }
    chunks.length = 0
    chunks.push(all)
    return all
  }
  function parse (bytes: Uint8Array): object {
    let value: unknown
    try {
      const text = toString(bytes)
      checkJsonBudget(text) // before parsing: a deeply nested frame would be materialised first
      value = JSON.parse(text)
    } catch (err) {
      throw new BadFrameError(err instanceof JsonBudgetError ? err.message : 'not JSON')
    }
    if (value === null || typeof value !== 'object') throw new BadFrameError('not a JSON object')
    return value
  }

  return {
    stream,
    write: async (value: unknown, signal?: AbortSignal) => {
      // Wait for room first: every writer then adds at most one frame past the stream's window.
      if (stream.writableNeedsDrain) await stream.onDrain(signal != null ? { signal } : {})
      stream.send(encode(value))
    }
  }
}

function encode (value: unknown): Uint8Array {
  const body = fromString(JSON.stringify(value))
  return concat(varint(body.byteLength), body)
}

function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) { out.push((n % 0x80) | 0x80); n = Math.floor(n / 0x80) }
  out.push(n)
  return Uint8Array.from(out)
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a)
  out.set(b, a.byteLength)
  return out
}

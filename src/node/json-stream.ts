// Length-prefixed JSON frames over a libp2p stream: the framing every agentwire protocol uses.
// Every read has a size cap and a deadline, so a silent or hostile peer cannot hold a handler open.
import { lpStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { z } from 'zod'
import { fromString, toString } from 'uint8arrays'
import { AgentwireError, errorFromBody, type ErrorBody } from '../errors.ts'
import { checkJsonBudget, JsonBudgetError } from './json-budget.ts'

export interface JsonStreamOptions {
  /** Largest frame accepted, in bytes. */
  maxBytes: number
  /** Longest wait for one frame, in ms. @default 10000 */
  readTimeoutMs?: number
}

/** What lpStream throws when a length prefix announces more than maxBytes. */
const FRAME_LENGTH_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'])

export class BadFrameError extends AgentwireError {
  static override name = 'BadFrameError'
  constructor (reason: string) {
    super('BAD_FRAME', `malformed frame: ${reason}`)
    this.name = 'BadFrameError'
  }
}

export interface ReadOptions {
  signal?: AbortSignal
}

export interface SchemaReadOptions extends ReadOptions {
  /**
   * The error for a frame that is JSON but not the shape the schema wants, given the first mismatch
   * ("envelope.nonce: expected string"); a protocol passes its own (BAD_HANDSHAKE, INVALID_CARD…).
   *
   * @default a BadFrameError (BAD_FRAME) naming the mismatch
   */
  invalid?: (reason: string) => Error
}

export interface JsonStream {
  /**
   * Read one frame and check it against `schema`: what comes back has the schema's type because it
   * was checked, not because it was cast. Undefined when the remote closed its side cleanly.
   */
  read: <S extends z.ZodType>(schema: S, options?: SchemaReadOptions) => Promise<z.output<S> | undefined>
  write: (value: unknown) => Promise<void>
  /** Send an `{error}` frame: how a handler refuses a request. */
  writeError: (error: ErrorBody) => Promise<void>
  stream: Stream
}

export function jsonStream (stream: Stream, options: JsonStreamOptions): JsonStream {
  // lpStream reports a clean end and a frame cut short with the same error; counting bytes received
  // against bytes consumed by whole frames tells them apart (a cut frame is malformed input).
  let received = 0
  let consumed = 0
  stream.addEventListener('message', evt => { received += evt.data.byteLength })
  const lp = lpStream(stream, { maxDataLength: options.maxBytes })
  const readTimeoutMs = options.readTimeoutMs ?? 10_000
  return {
    stream,
    read: async <S extends z.ZodType>(schema: S, opts: SchemaReadOptions = {}): Promise<z.output<S> | undefined> => {
      const timeout = AbortSignal.timeout(readTimeoutMs)
      const signal = opts.signal != null ? AbortSignal.any([opts.signal, timeout]) : timeout
      let bytes
      try {
        bytes = await lp.read({ signal })
      } catch (err) {
        const name = (err as Error).name
        if (name === 'UnexpectedEOFError') {
          if (received === consumed) return undefined
          throw new BadFrameError(`the stream ended inside a frame (${received - consumed} bytes of an unfinished frame)`)
        }
        if (FRAME_LENGTH_ERRORS.has(name)) throw new BadFrameError(`longer than ${options.maxBytes} bytes`)
        if (timeout.aborted) throw new AgentwireError('READ_TIMEOUT', `no frame within ${readTimeoutMs} ms`)
        throw err
      }
      consumed += varintLength(bytes.byteLength) + bytes.byteLength
      let value: unknown
      try {
        const text = toString(bytes.subarray())
        // Before parsing: a deeply nested frame would be materialised in full first.
        checkJsonBudget(text)
        value = JSON.parse(text)
      } catch (err) {
        throw new BadFrameError(err instanceof JsonBudgetError ? err.message : 'not JSON')
      }
      // Every agentwire frame is an object; a bare `null` would otherwise read as "the peer closed".
      if (value === null || typeof value !== 'object') throw new BadFrameError('not a JSON object')
      const checked = schema.safeParse(value)
      if (!checked.success) {
        let issue = checked.error.issues[0]
        // A union (a response or a refusal) says only "Invalid input": name what its first form missed.
        while (issue.code === 'invalid_union' && issue.errors[0]?.[0] != null) issue = { ...issue.errors[0][0], path: [...issue.path, ...issue.errors[0][0].path] }
        const reason = `${issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`
        throw opts.invalid?.(reason) ?? new BadFrameError(reason)
      }
      return checked.data
    },
    write: async (value: unknown) => { await lp.write(fromString(JSON.stringify(value))) },
    writeError: async (error: ErrorBody) => { await lp.write(fromString(JSON.stringify({ error }))) }
  }
}

function varintLength (n: number): number {
  let len = 1
  while (n >= 128) { n = Math.floor(n / 128); len++ }
  return len
}

/** Throw the error a remote sent as an `{error}` frame, so callers see its code and hint. */
export function throwIfErrorFrame (frame: unknown): void {
  // A remote wrote it: each field may be anything until String() says it as text.
  const error = (frame as { error?: Partial<Record<keyof ErrorBody, unknown>> } | undefined)?.error
  if (error != null && typeof error === 'object') {
    throw errorFromBody({ code: String(error.code ?? 'REMOTE_ERROR'), message: String(error.message ?? 'the peer refused the request'), ...(error.hint != null ? { hint: String(error.hint) } : {}) })
  }
}

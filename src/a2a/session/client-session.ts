// The caller's side of one session: request ids, each call's answer frames queued until read (at
// most the credit it granted), more credit as frames are read, a cancel when a call is dropped
// early, and a cap on calls in flight (more wait for a slot). When the session ends, a call whose
// request was never written fails as undelivered (safe to send again); one already written fails
// as interrupted and is never sent again.
import type { Stream } from '@libp2p/interface'
import { asError } from '../../caught.ts'
import { AgentwireError, errorFromBody, type ErrorBody } from '../../errors.ts'
import { BadFrameError } from '../../node/json-stream.ts'
import { SessionCallError } from '../errors.ts'
import type { RequestFrame } from '../server.ts'
import { sessionWire, type SessionWire } from './wire.ts'
import { firstIssue, sessionOutboundSchema } from './frames.ts'
import { SESSION_CREDIT, SESSION_IDLE_CLOSE_MS, SESSION_MAX_IN_FLIGHT } from './constants.ts'

export interface SessionInit {
  /** The callee's PeerId, for error messages. */
  peer: string
  maxFrameBytes: number
  /** Calls in flight at once. @default 64 (SESSION_MAX_IN_FLIGHT) */
  maxInFlight?: number
  /** Frames one call may have unread. @default 16 (SESSION_CREDIT) */
  credit?: number
  /** Close the session after this long without a call, in ms. @default 30000 (SESSION_IDLE_CLOSE_MS) */
  idleCloseMs?: number
}

/** One call on a session. */
export interface SessionCallHandle {
  /** The next answer frame as sent (checked by the caller), or undefined once the answer ended. */
  read: (signal: AbortSignal) => Promise<unknown>
  /** Done with the call: if its answer has not ended, the callee is told to cancel it. */
  close: () => void
}

interface CallState {
  queue: unknown[]
  /** Frames the callee may still send: granted credit minus frames received. */
  outstanding: number
  /** Frames read since credit was last granted. */
  read: number
  ended: boolean
  error?: Error
  notify?: () => void
}

export class A2ASession {
  private readonly init: Required<SessionInit>
  private readonly wire: SessionWire
  private readonly calls = new Map<number, CallState>()
  private readonly slotWaiters: Array<() => void> = []
  private nextRid = 0
  private inFlight = 0
  private idle: NodeJS.Timeout | undefined
  /** Why the session ended (set once); a refusal of the whole session by the callee's gate is its own error. */
  private ended: Error | undefined
  private refusal: AgentwireError | undefined
  private closing = false

  constructor (stream: Stream, init: SessionInit) {
    this.init = { maxInFlight: SESSION_MAX_IN_FLIGHT, credit: SESSION_CREDIT, idleCloseMs: SESSION_IDLE_CLOSE_MS, ...init }
    this.wire = sessionWire(stream, {
      maxBytes: init.maxFrameBytes,
      onFrame: value => { this.onFrame(value) },
      onClose: err => { this.onClose(err ?? new Error('the session closed')) }
    })
    // The callee sends nothing more after closing its side (a refusal, its node stopping): end here.
    stream.addEventListener('remoteCloseWrite', () => {
      this.onClose(new Error('the callee closed the session'))
      this.close()
    })
    this.armIdle()
  }

  /** Whether new calls may start here. */
  get usable (): boolean { return this.ended == null && !this.closing }

  /** Send one request; resolves once it is written, with the handle to read its answer. */
  async call (frame: RequestFrame, signal: AbortSignal): Promise<SessionCallHandle> {
    await this.slot(signal)
    const state: CallState = { queue: [], outstanding: this.init.credit, read: 0, ended: false }
    const rid = this.nextRid++
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      this.calls.delete(rid)
      this.inFlight--
      this.slotWaiters.shift()?.()
      if (this.inFlight === 0) this.armIdle()
    }
    try {
      this.throwIfEnded()
      this.calls.set(rid, state)
      // Throws only before the frame reached the stream: then it was provably not sent.
      await this.wire.write({ ...frame, rid, credit: this.init.credit }, signal)
    } catch (err) {
      release()
      if (err instanceof AgentwireError || signal.aborted) throw err
      throw new SessionCallError(this.init.peer, false, (err as Error).message)
    }
    return {
      read: async (callSignal) => {
        for (;;) {
          if (state.queue.length > 0) {
            const next = state.queue.shift()
            if (!state.ended && ++state.read >= this.init.credit / 2) {
              // Grant what was read: the callee never has more than `credit` frames unread here.
              state.outstanding += state.read
              void this.wire.write({ rid, credit: state.read }).catch(() => {})
              state.read = 0
            }
            return next
          }
          if (state.error != null) throw state.error
          if (state.ended) { release(); return undefined }
          callSignal.throwIfAborted()
          await new Promise<void>((resolve, reject) => {
            const onAbort = (): void => { reject(asError(callSignal.reason)) }
            callSignal.addEventListener('abort', onAbort, { once: true })
            state.notify = () => { callSignal.removeEventListener('abort', onAbort); resolve() }
          })
        }
      },
      close: () => {
        if (!state.ended && this.ended == null) void this.wire.write({ rid, cancel: true }).catch(() => {})
        release()
      }
    }
  }

  /** Close the session once its calls are done (the callee then closes its side). */
  close (): void {
    this.closing = true
    clearTimeout(this.idle)
    void this.wire.stream.close().catch((err: unknown) => { this.wire.stream.abort(asError(err)) })
  }

  private async slot (signal: AbortSignal): Promise<void> {
    while (this.inFlight >= this.init.maxInFlight) {
      this.throwIfEnded()
      signal.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { reject(asError(signal.reason)) }
        signal.addEventListener('abort', onAbort, { once: true })
        this.slotWaiters.push(() => { signal.removeEventListener('abort', onAbort); resolve() })
      })
    }
    this.throwIfEnded()
    this.inFlight++
    clearTimeout(this.idle)
  }

  private throwIfEnded (): void {
    if (this.refusal != null) throw this.refusal
    if (this.ended != null || this.closing) throw new SessionCallError(this.init.peer, false, this.ended?.message ?? 'the session is closing')
  }

  private armIdle (): void {
    clearTimeout(this.idle)
    this.idle = setTimeout(() => { if (this.inFlight === 0) this.close() }, this.init.idleCloseMs)
    this.idle.unref()
  }

  private onFrame (value: object): void {
    const checked = sessionOutboundSchema.safeParse(value)
    if (!checked.success) throw new BadFrameError(`from ${this.init.peer}: ${firstIssue(checked.error)}`)
    const frame = checked.data
    if (!('rid' in frame)) {
      // The callee refused the whole session (its gate, or a frame of ours it could not read): no call on it ran.
      this.refusal = errorFromBody(normalise(frame.error))
      this.onClose(this.refusal)
      this.close()
      return
    }
    const state = this.calls.get(frame.rid)
    if (state == null) return // a call we dropped (canceled): its last frames still arrive
    if (frame.frame !== undefined) {
      if (--state.outstanding < 0) throw new BadFrameError(`${this.init.peer} sent more frames than request ${frame.rid} granted`)
      state.queue.push(frame.frame)
    }
    if (frame.end === true) {
      state.ended = true
      if (frame.reset === true) state.error = new SessionCallError(this.init.peer, true, 'the callee gave up on it')
    }
    state.notify?.()
  }

  private onClose (err: Error): void {
    if (this.ended != null) return
    this.ended = err
    clearTimeout(this.idle)
    for (const state of this.calls.values()) {
      if (state.ended) continue
      state.error = this.refusal ?? new SessionCallError(this.init.peer, true, err.message)
      state.notify?.()
    }
    for (const wake of this.slotWaiters.splice(0)) wake()
  }
}

function normalise (error: ErrorBody | Record<string, unknown>): ErrorBody {
  return { code: String(error.code ?? 'REMOTE_ERROR'), message: String(error.message ?? 'the peer refused the session'), ...(error.hint != null ? { hint: String(error.hint) } : {}) }
}

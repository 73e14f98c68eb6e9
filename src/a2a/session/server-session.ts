// The callee's side of a session: many calls on one stream, each admitted by the gate (guard rates,
// in-progress cap, bans, trust) and checked by `serveRequest` (envelope, replay, audit, per-peer
// call limit) exactly as a call on its own stream; its answer goes back under its request id, never
// more frames than the caller granted credit for.
import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from '../../log/logger.ts'
import type { GatedCall } from '../../trust/gate.ts'
import { toErrorBody, type ErrorBody } from '../../errors.ts'
import { BadFrameError } from '../../node/json-stream.ts'
import { CallLimitError, EnvelopeError } from '../errors.ts'
import type { A2AServer, AnswerChannel } from '../server.ts'
import type { JsonRpcResponse } from '../backend.ts'
import { sessionWire, type SessionWire } from './wire.ts'
import { firstIssue, sessionInboundSchema, type SessionCall } from './frames.ts'
import { A2A_SESSION_PROTOCOL, SESSION_IDLE_ABORT_MS, SESSION_MAX_CREDIT, SESSION_MAX_OPEN_CALLS, SESSION_MAX_PER_CONNECTION } from './constants.ts'

export interface SessionServerInit {
  server: Pick<A2AServer, 'serveRequest'>
  /** The gate's admission of one request (Gate.admit), for each call on the session. */
  admit: (connection: Connection, protocol: string) => Promise<GatedCall>
  /** Strike the peer for a frame that broke the session protocol. */
  strike: (peer: string, code: string) => void
  maxFrameBytes: number
  log: Logger
}

interface OpenCall {
  gone: AbortController
  credit: number
  /** Resolved when credit arrives or the call goes away. */
  wake?: () => void
}

/** The gated handler for `/agentwire/a2a-session/1.0.0`: resolves when the session ends. */
export function sessionServer (init: SessionServerInit): (stream: Stream, connection: Connection) => Promise<string | undefined> {
  const perConnection = new WeakMap<Connection, number>()
  return async (stream, connection) => {
    const peer = connection.remotePeer.toString()
    const sessions = perConnection.get(connection) ?? 0
    if (sessions >= SESSION_MAX_PER_CONNECTION) {
      await refuseSession(stream, { code: 'TOO_MANY_STREAMS', message: `more than ${SESSION_MAX_PER_CONNECTION} A2A sessions on one connection`, hint: 'carry all calls on one session' })
      return 'TOO_MANY_STREAMS'
    }
    perConnection.set(connection, sessions + 1)
    const calls = new Map<number, OpenCall>()
    const ended = Promise.withResolvers<string | undefined>()
    let idle: NodeJS.Timeout | undefined
    const armIdle = (): void => {
      clearTimeout(idle)
      if (stream.status !== 'open') return
      idle = setTimeout(() => { if (calls.size === 0) stream.abort(new Error('idle A2A session')) }, SESSION_IDLE_ABORT_MS)
      idle.unref()
    }
    let offence: string | undefined
    const wire: SessionWire = sessionWire(stream, {
      maxBytes: init.maxFrameBytes,
      onFrame: value => {
        armIdle()
        const checked = sessionInboundSchema.safeParse(value)
        if (!checked.success) {
          const reason = firstIssue(checked.error)
          throw reason.startsWith('envelope')
            ? new EnvelopeError('BAD_ENVELOPE', `a call carries no valid signed envelope (${reason})`, 'use an agentwire client, which signs every call')
            : new BadFrameError(reason)
        }
        const frame = checked.data
        const open = calls.get(frame.rid)
        if ('envelope' in frame) {
          if (open != null) throw new BadFrameError(`request id ${frame.rid} is already in use`)
          if (calls.size >= SESSION_MAX_OPEN_CALLS) {
            void wire.write({ rid: frame.rid, frame: { error: toErrorBody(new CallLimitError(SESSION_MAX_OPEN_CALLS)) }, end: true }).catch(() => {})
            return
          }
          const call: OpenCall = { gone: new AbortController(), credit: frame.credit }
          calls.set(frame.rid, call)
          void serve(frame, call).finally(() => { calls.delete(frame.rid); call.wake?.(); armIdle(); closeIfDone() })
        } else if ('cancel' in frame) {
          open?.gone.abort(new Error('the caller canceled the call'))
          open?.wake?.()
        } else if (open != null) {
          if (open.credit + frame.credit > SESSION_MAX_CREDIT) throw new BadFrameError(`request id ${frame.rid} holds more than ${SESSION_MAX_CREDIT} credit`)
          open.credit += frame.credit
          open.wake?.()
        }
      },
      onClose: err => {
        clearTimeout(idle)
        perConnection.set(connection, (perConnection.get(connection) ?? 1) - 1)
        for (const call of calls.values()) { call.gone.abort(err ?? new Error('the caller closed the session')); call.wake?.() }
        if (err instanceof BadFrameError || err instanceof EnvelopeError) offence = err.code
        ended.resolve(offence)
      }
    })
    armIdle()
    // The caller's half-close ends the session once its calls are answered.
    let draining = false
    const closeIfDone = (): void => {
      if (draining && calls.size === 0) void stream.close().catch(() => { stream.abort(new Error('closing')) })
    }
    stream.addEventListener('remoteCloseWrite', () => { draining = true; closeIfDone() })

    async function serve (frame: SessionCall, call: OpenCall): Promise<void> {
      const { rid } = frame
      const channel: AnswerChannel = {
        send: async (response: JsonRpcResponse) => {
          while (call.credit === 0 && !call.gone.signal.aborted) await new Promise<void>(resolve => { call.wake = resolve })
          if (call.gone.signal.aborted) throw new Error('the call ended')
          call.credit--
          await wire.write({ rid, frame: response })
        },
        finish: async (response?: JsonRpcResponse) => {
          if (call.gone.signal.aborted) return
          await wire.write(response != null ? { rid, frame: response, end: true } : { rid, end: true })
        },
        refuse: async (error: ErrorBody) => { await wire.write({ rid, frame: { error }, end: true }) },
        // One call given up (its time ran out, or writing failed): the others on the session go on;
        // the caller sees this call reset, as a reset stream before.
        abort: () => { if (!call.gone.signal.aborted) void wire.write({ rid, end: true, reset: true }).catch(() => {}) },
        gone: call.gone.signal
      }
      let gated: GatedCall
      try {
        gated = await init.admit(connection, A2A_SESSION_PROTOCOL)
      } catch (err) {
        await channel.refuse(toErrorBody(err)).catch(() => {})
        return
      }
      let code: string | undefined = 'HANDLER_ERROR'
      try {
        code = await init.server.serveRequest(peer, frame, channel)
      } finally {
        gated.done(code)
      }
    }

    const result = await ended.promise
    if (result != null) init.strike(peer, result)
    return undefined
  }
}

async function refuseSession (stream: Stream, error: ErrorBody): Promise<void> {
  const wire = sessionWire(stream, { maxBytes: 1024, onFrame: () => {}, onClose: () => {} })
  try {
    await wire.write({ error })
    await stream.close()
  } catch {
    stream.abort(new Error(error.message))
  }
}

// The inbound side of the binding: check a request frame's envelope, audit it, hand it to the
// backend, and answer with one response frame or a stream of frames, on the call's own stream or on
// a session (session/server-session.ts): every call passes the same checks either way. If the
// caller goes away, the backend's generator is closed too.
import type { Connection, Stream } from '@libp2p/interface'
import { jsonStream, type JsonStream } from '../node/json-stream.ts'
import { parseJsonWithin, JsonBudgetError } from '../node/json-budget.ts'
import { toErrorBody, type ErrorBody } from '../errors.ts'
import { asError } from '../caught.ts'
import type { AuditLog } from '../audit/index.ts'
import type { NonceGuard } from '../guard/nonce-guard.ts'
import type { Logger } from '../log/logger.ts'
import { verifyEnvelope, type Envelope } from './envelope.ts'
import { rpcError, type A2ABackend, type JsonRpcRequest, type JsonRpcResponse } from './backend.ts'
import { JsonRpcTransportHandler } from './local-backend.ts'
import { CallLimitError, EnvelopeError } from './errors.ts'
import { requestFrameSchema } from './frames.ts'
import { BadFrameError } from '../node/json-stream.ts'
import { A2A_VERSION, REQUEST_READ_TIMEOUT_MS } from './constants.ts'

export interface A2AServerInit {
  self: string
  backend: A2ABackend
  audit: AuditLog
  nonces: NonceGuard
  log: Logger
  maxFrameBytes: number
  maxCallsPerPeer: number
  callTimeoutMs: number
  payloads: 'none' | 'hash' | 'full'
}

/** What a caller sends first: the signed envelope and the exact JSON-RPC request text it covers. */
export interface RequestFrame { envelope: Envelope, body: string, version?: string }

/**
 * Where one call's answer goes: its own stream (the stream binding) or its request id on a session.
 * Either way the call passes the same checks in `serveRequest`.
 */
export interface AnswerChannel {
  /** Send one response frame; waits while the caller reads slowly (back-pressure). */
  send: (frame: JsonRpcResponse) => Promise<void>
  /** End the answer, after a last frame if given. */
  finish: (frame?: JsonRpcResponse) => Promise<void>
  /** Refuse the call with an `{error}` frame, ending the answer. */
  refuse: (error: ErrorBody) => Promise<void>
  /** Give up on the answer without a word (the caller went away, or writing failed). */
  abort: (err: Error) => void
  /** Aborted when the caller goes away: its stream closes or resets, or it cancels the call. */
  gone: AbortSignal
}

export interface A2AServer {
  /** Serve one call on its own stream (`/agentwire/a2a/1.0.0`); the gate's handler. */
  stream: (stream: Stream, connection: Connection) => Promise<string | undefined>
  /**
   * Check and serve one request frame from `peer`, answering on `channel`; resolves to the
   * refusal's error code when the caller's input was refused (the gate strikes it).
   */
  serveRequest: (peer: string, frame: RequestFrame, channel: AnswerChannel) => Promise<string | undefined>
}

export function a2aServer (init: A2AServerInit): A2AServer {
  const running = new Map<string, number>()

  /** Audit, log and answer a refusal; its code is the peer's offence. */
  const refused = async (peer: string, method: string, err: unknown, channel: AnswerChannel): Promise<string> => {
    const error = toErrorBody(err)
    await init.audit.append('a2a.refused', { peer, method, code: error.code, reason: error.message })
      .catch((auditErr: unknown) => { init.log.warn({ err: auditErr, peer, code: error.code }, 'could not audit a refused A2A call') })
    init.log.info({ peer, code: error.code }, 'A2A call refused')
    try {
      await channel.refuse(error)
    } catch (writeErr) {
      init.log.debug({ err: writeErr, peer }, 'could not answer a refused A2A call; resetting it')
      channel.abort(asError(err))
    }
    return error.code
  }

  const serveRequest = async (peer: string, frame: RequestFrame, channel: AnswerChannel): Promise<string | undefined> => {
    let method = '?'
    try {
      const envelope = await verifyEnvelope(frame.envelope, frame.body, peer, init.self)
      await init.nonces.check(envelope.nonce, envelope.ts)
      let request: JsonRpcRequest
      try {
        // The body is JSON inside a string, so the frame's own budget did not see its nesting.
        request = parseJsonWithin(frame.body)
      } catch (err) {
        await channel.finish(err instanceof JsonBudgetError
          ? rpcError(null, -32600, `Invalid Request: ${err.message}`)
          : rpcError(null, -32700, 'Parse error: the request body is not JSON'))
        return
      }
      method = typeof request?.method === 'string' ? request.method : '?'
      // Audit before answering: who asked for what, provably (the envelope is signed).
      await init.audit.append('a2a.call', {
        peer,
        method,
        envelope,
        ...(init.payloads === 'full' ? { body: frame.body } : init.payloads === 'hash' ? { bodyHash: envelope.bodyHash } : {})
      })
      const count = running.get(peer) ?? 0
      if (count >= init.maxCallsPerPeer) throw new CallLimitError(init.maxCallsPerPeer)
      running.set(peer, count + 1)
      try {
        await serveCall(init, channel, request, peer, frame.version ?? A2A_VERSION)
      } finally {
        const left = (running.get(peer) ?? 1) - 1
        if (left <= 0) running.delete(peer)
        else running.set(peer, left)
      }
    } catch (err) {
      return await refused(peer, method, err, channel)
    }
  }

  const stream = async (stream: Stream, connection: Connection): Promise<string | undefined> => {
    const peer = connection.remotePeer.toString()
    const framed = jsonStream(stream, { maxBytes: init.maxFrameBytes, readTimeoutMs: REQUEST_READ_TIMEOUT_MS })
    const channel = streamChannel(framed, stream)
    let frame
    try {
      frame = await framed.read(requestFrameSchema, {
        invalid: reason => reason.startsWith('envelope')
          ? new EnvelopeError('BAD_ENVELOPE', `the call carries no valid signed envelope (${reason})`, 'use an agentwire client (or the local gateway), which signs every call')
          : new BadFrameError(reason)
      })
    } catch (err) {
      return await refused(peer, '?', err, channel)
    }
    if (frame == null) {
      // The caller closed without a request: close our side too, or the stream lingers.
      await stream.close().catch((err: unknown) => {
        init.log.debug({ err, peer }, 'could not close an empty A2A stream; resetting it')
        stream.abort(new Error('closing'))
      })
      return
    }
    return await serveRequest(peer, frame, channel)
  }

  return { stream, serveRequest }
}

/** One call's own stream as its answer channel: the stream's end is the answer's end. */
function streamChannel (framed: JsonStream, stream: Stream): AnswerChannel {
  const gone = new AbortController()
  // The caller going away (closing or resetting its stream) ends the call. A half-close after the
  // request is not "going away": the caller may still be reading.
  stream.addEventListener('close', () => { gone.abort(new Error('caller closed the stream')) }, { once: true })
  return {
    send: async frame => { await framed.write(frame) },
    finish: async frame => {
      if (frame != null) await framed.write(frame)
      await stream.close()
    },
    refuse: async error => {
      await framed.writeError(error)
      await stream.close()
    },
    abort: err => { stream.abort(err) },
    gone: gone.signal
  }
}

async function serveCall (init: A2AServerInit, channel: AnswerChannel, request: JsonRpcRequest, caller: string, version: string): Promise<void> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(new Error('call timed out')), init.callTimeoutMs)
  const onGone = (): void => abort.abort(channel.gone.reason)
  if (channel.gone.aborted) onGone()
  else channel.gone.addEventListener('abort', onGone, { once: true })
  try {
    const answer = await init.backend.handle(request, { caller, version, signal: abort.signal })
    if (answer.kind === 'single') {
      await channel.finish(answer.response)
      return
    }
    const events = answer.events
    abort.signal.addEventListener('abort', () => { void events.return(undefined) })
    try {
      // Pull the first event before committing to a stream: an error here is a plain error answer.
      const first = await events.next()
      if (!first.done) await channel.send(first.value)
      if (!first.done) {
        for (let next = await events.next(); next.done !== true && !abort.signal.aborted; next = await events.next()) {
          await channel.send(next.value)
        }
      }
    } catch (err) {
      // Thrown mid-stream: the last frame is the error, then the answer ends.
      if (!abort.signal.aborted) await channel.send(errorResponse(request, err)).catch((writeErr: unknown) => { init.log.debug({ err: writeErr, caller }, 'could not send the error frame that ends a stream') })
    }
    await channel.finish().catch((err: unknown) => { init.log.debug({ err, caller }, 'could not close an answered A2A call') })
  } catch (err) {
    if (abort.signal.aborted) {
      channel.abort(new Error('call ended'))
      return
    }
    await channel.finish(errorResponse(request, err))
  } finally {
    clearTimeout(timer)
    channel.gone.removeEventListener('abort', onGone)
  }
}

function errorResponse (request: JsonRpcRequest, err: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', id: request?.id ?? null, error: JsonRpcTransportHandler.mapToJSONRPCError(err) }
}

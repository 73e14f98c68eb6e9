// The inbound side of the binding: read one request frame, check its envelope, audit it, hand it to
// the backend, and write one response frame or a stream of frames. The stream's end is the end of
// the answer. If the caller closes its stream, the backend's generator is closed too.
import type { Connection, Stream } from '@libp2p/interface'
import { jsonStream, type JsonStream } from '../node/json-stream.ts'
import { parseJsonWithin, JsonBudgetError } from '../node/json-budget.ts'
import { toErrorBody } from '../errors.ts'
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

/** Serve one inbound call; resolves to the refusal's error code when the caller's input was refused (the gate strikes it). */
export function a2aServer (init: A2AServerInit): (stream: Stream, connection: Connection) => Promise<string | undefined> {
  const running = new Map<string, number>()
  return async (stream, connection) => {
    const peer = connection.remotePeer.toString()
    const framed = jsonStream(stream, { maxBytes: init.maxFrameBytes, readTimeoutMs: REQUEST_READ_TIMEOUT_MS })
    let method = '?'
    try {
      const frame = await framed.read(requestFrameSchema, {
        invalid: reason => reason.startsWith('envelope')
          ? new EnvelopeError('BAD_ENVELOPE', `the call carries no valid signed envelope (${reason})`, 'use an agentwire client (or the local gateway), which signs every call')
          : new BadFrameError(reason)
      })
      if (frame == null) {
        // The caller closed without a request: close our side too, or the stream lingers.
        await stream.close().catch(err => {
          init.log.debug({ err, peer }, 'could not close an empty A2A stream; resetting it')
          stream.abort(new Error('closing'))
        })
        return
      }
      const envelope = await verifyEnvelope(frame.envelope, frame.body, peer, init.self)
      await init.nonces.check(envelope.nonce, envelope.ts)
      let request: JsonRpcRequest
      try {
        // The body is JSON inside a string, so the frame's own budget did not see its nesting.
        request = parseJsonWithin(frame.body)
      } catch (err) {
        await finish(framed, stream, err instanceof JsonBudgetError
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
        await serveCall(init, framed, stream, request, peer, frame.version ?? A2A_VERSION)
      } finally {
        const left = (running.get(peer) ?? 1) - 1
        if (left <= 0) running.delete(peer)
        else running.set(peer, left)
      }
    } catch (err) {
      const error = toErrorBody(err)
      await init.audit.append('a2a.refused', { peer, method, code: error.code, reason: error.message })
        .catch(auditErr => { init.log.warn({ err: auditErr, peer, code: error.code }, 'could not audit a refused A2A call') })
      init.log.info({ peer, code: error.code }, 'A2A call refused')
      try {
        await framed.writeError(error)
        await stream.close()
      } catch (writeErr) {
        init.log.debug({ err: writeErr, peer }, 'could not answer a refused A2A call; resetting the stream')
        stream.abort(asError(err))
      }
      return error.code
    }
  }
}

async function serveCall (init: A2AServerInit, framed: JsonStream, stream: Stream, request: JsonRpcRequest, caller: string, version: string): Promise<void> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(new Error('call timed out')), init.callTimeoutMs)
  // The caller going away (closing or resetting its stream) ends the call. A half-close after the
  // request is not "going away": the caller may still be reading.
  const onClose = (): void => abort.abort(new Error('caller closed the stream'))
  stream.addEventListener('close', onClose)
  try {
    const answer = await init.backend.handle(request, { caller, version, signal: abort.signal })
    if (answer.kind === 'single') {
      await finish(framed, stream, answer.response)
      return
    }
    const events = answer.events
    abort.signal.addEventListener('abort', () => { void events.return(undefined) })
    try {
      // Pull the first event before committing to a stream: an error here is a plain error answer.
      const first = await events.next()
      if (!first.done) await framed.write(first.value)
      if (!first.done) {
        for (let next = await events.next(); next.done !== true && !abort.signal.aborted; next = await events.next()) {
          await framed.write(next.value)
        }
      }
    } catch (err) {
      // Thrown mid-stream: the last frame is the error, then the stream ends.
      if (!abort.signal.aborted) await framed.write(errorResponse(request, err)).catch(writeErr => { init.log.debug({ err: writeErr, caller }, 'could not send the error frame that ends a stream') })
    }
    await stream.close().catch(err => { init.log.debug({ err, caller }, 'could not close an answered A2A stream') })
  } catch (err) {
    if (abort.signal.aborted) {
      stream.abort(new Error('call ended'))
      return
    }
    await finish(framed, stream, errorResponse(request, err))
  } finally {
    clearTimeout(timer)
    stream.removeEventListener('close', onClose)
  }
}

function errorResponse (request: JsonRpcRequest, err: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', id: request?.id ?? null, error: JsonRpcTransportHandler.mapToJSONRPCError(err) }
}

async function finish (framed: JsonStream, stream: Stream, response: JsonRpcResponse): Promise<void> {
  await framed.write(response)
  await stream.close()
}

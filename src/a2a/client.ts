// The calling side of the binding, in three shapes: `call` (one JSON-RPC request → one response or
// a stream of them), a `fetch` that speaks this binding for the SDK's JSON-RPC transport, and a
// TransportFactory so the official A2A ClientFactory works with a PeerId, a name or a multiaddr.
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { JsonRpcTransportFactory, type Transport, type TransportFactory } from '@a2a-js/sdk/client'
import type { AgentCard } from '@a2a-js/sdk'
import type { z } from 'zod'
import { jsonStream, throwIfErrorFrame } from '../node/json-stream.ts'
import { parseJsonWithin } from '../node/json-budget.ts'
import { AgentwireError, type ErrorCode } from '../errors.ts'
import { codeOf, messageOf } from '../caught.ts'
import { SessionCallError } from './errors.ts'
import { SessionPool, type SessionCallHandle } from './session/index.ts'
import { firstIssue } from './session/frames.ts'
import { cardFrameSchema, responseFrameSchema } from './frames.ts'
import { signEnvelope } from './envelope.ts'
import { verifyCard, type CardJson } from './card.ts'
import type { JsonRpcResponse } from './backend.ts'
import type { RequestFrame } from './server.ts'
import { A2A_LIBP2P_BINDING, A2A_PROTOCOL, A2A_VERSION, CARD_CACHE_TTL_MS, CARD_PROTOCOL, MAX_CARD_BYTES, STREAMING_METHODS } from './constants.ts'

export type CallOutcome = 'ok' | 'failed' | 'timeout' | 'invalid'

/**
 * Refusals that say something about the caller's standing or input (trust policy, quarantine, the
 * guard's rates and bans, a bad envelope), not about the callee's work: no outcome is recorded for
 * them, so a caller's own mistake never costs the callee reputation.
 */
const REFUSALS_ABOUT_CALLER: ReadonlySet<string> = new Set<ErrorCode>(['NOT_TRUSTED', 'PEER_QUARANTINED', 'QUARANTINED', 'RATE_LIMITED', 'TOO_MANY_STREAMS', 'BUSY', 'PEER_BANNED', 'PENDING_FULL', 'TOO_MANY_CALLS',
  'STALE_MESSAGE', 'REPLAYED_MESSAGE', 'BAD_ENVELOPE', 'WRONG_SENDER', 'WRONG_RECIPIENT', 'BODY_MISMATCH', 'BAD_SIGNATURE'])

/** The A2A methods whose outcome rates the callee (see `outcome` in `call`). */
const WORK_METHODS = new Set(['SendMessage', 'SendStreamingMessage'])

export interface A2ACallerComponents {
  peerId: PeerId
  privateKey: PrivateKey
  /** Resolve a target (PeerId, name, multiaddr) and connect to it. */
  connect: (target: string, signal?: AbortSignal) => Promise<Connection>
  /** Told how every finished outbound call went (reputation uses this). */
  onOutcome?: (peerId: string, outcome: CallOutcome, method: string) => void
}

export interface A2ACallerInit {
  maxFrameBytes: number
  callTimeoutMs: number
  /** Carry calls on one A2A session per connection when the peer speaks it. @default true */
  sessions?: boolean
}

export type CallAnswer =
  | { kind: 'single', peerId: string, response: JsonRpcResponse }
  | { kind: 'stream', peerId: string, frames: AsyncGenerator<JsonRpcResponse, void, undefined> }

/** Where one call's answer frames are read, on a session or on the call's own stream. */
interface CallChannel {
  /** The next answer frame, checked; undefined once the answer ended. */
  read: () => Promise<z.output<typeof responseFrameSchema> | undefined>
  /** Done with the call (cancels it at the callee if its answer has not ended). */
  close: () => void
}

/** The request's JSON-RPC method, or '?' when the body is not a JSON-RPC request. */
function methodOf (body: string): string {
  try {
    const method = parseJsonWithin<{ method?: unknown } | null>(body)?.method
    return typeof method === 'string' ? method : '?'
  } catch {
    return '?'
  }
}

function sessionChannel (call: SessionCallHandle, signal: AbortSignal, invalid: (reason: string) => Error): CallChannel {
  return {
    read: async () => {
      const value = await call.read(signal)
      if (value === undefined) return undefined
      const checked = responseFrameSchema.safeParse(value)
      if (!checked.success) throw invalid(firstIssue(checked.error))
      return checked.data
    },
    close: call.close
  }
}

async function streamChannel (stream: Stream, frame: RequestFrame, signal: AbortSignal, maxBytes: number, readTimeoutMs: number, invalid: (reason: string) => Error): Promise<CallChannel> {
  const onAbort = (): void => { stream.abort(new Error('call aborted')) }
  signal.addEventListener('abort', onAbort, { once: true })
  const framed = jsonStream(stream, { maxBytes, readTimeoutMs })
  const close = (): void => {
    signal.removeEventListener('abort', onAbort)
    void stream.close().catch(() => {})
  }
  try {
    await framed.write(frame)
  } catch (err) {
    close()
    throw err
  }
  return { read: async () => await framed.read(responseFrameSchema, { signal, invalid }), close }
}

export class A2ACaller {
  private readonly c: A2ACallerComponents
  private readonly init: A2ACallerInit
  private readonly cards = new Map<string, { card: CardJson, at: number }>()

  /** Sessions by connection; undefined when this node speaks only the stream binding (`a2a.sessions: false`). */
  private readonly sessions: SessionPool | undefined

  constructor (components: A2ACallerComponents, init: A2ACallerInit) {
    this.c = components
    this.init = init
    this.sessions = init.sessions === false ? undefined : new SessionPool({ maxFrameBytes: init.maxFrameBytes })
  }

  /**
   * Send one JSON-RPC request (as text) to a target: on the connection's A2A session when the peer
   * speaks it (`/agentwire/a2a-session/1.0.0`), else on a stream of its own (`/agentwire/a2a/1.0.0`).
   */
  async call (target: string, body: string, options: { signal?: AbortSignal, version?: string } = {}): Promise<CallAnswer> {
    const method = methodOf(body)
    const timeout = AbortSignal.timeout(this.init.callTimeoutMs)
    const signal = options.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout
    const connection = await this.c.connect(target, signal)
    const peerId = connection.remotePeer.toString()
    // Only a request for work is evidence about the callee: a poll (GetTask, ListTasks, …) repeated
    // while waiting would otherwise count as many successes as the caller cares to send.
    const outcome = (o: CallOutcome): void => { if (WORK_METHODS.has(method)) this.c.onOutcome?.(peerId, o, method) }
    const invalid = (reason: string): Error => {
      outcome('invalid')
      return new AgentwireError('INVALID_A2A_RESPONSE', `${peerId} answered with something that is not a JSON-RPC response (${reason})`)
    }
    const frame: RequestFrame = { envelope: await signEnvelope(this.c.privateKey, this.c.peerId.toString(), peerId, body), body, version: options.version ?? A2A_VERSION }
    let channel: CallChannel
    try {
      channel = await this.send(target, connection, frame, signal, invalid)
    } catch (err) {
      if (!REFUSALS_ABOUT_CALLER.has(codeOf(err) ?? '')) outcome(timeout.aborted ? 'timeout' : 'failed')
      if (timeout.aborted) throw new AgentwireError('A2A_TIMEOUT', `${peerId} did not answer within ${this.init.callTimeoutMs} ms`, 'raise a2a.callTimeoutMs for slow agents')
      throw err
    }
    const read = async (): Promise<JsonRpcResponse | undefined> => {
      const next = await channel.read()
      if (next == null) return undefined
      if ('jsonrpc' in next) return next
      throwIfErrorFrame(next) // refusals by the gate or the envelope check carry no `jsonrpc`
      return undefined
    }
    try {
      if (!STREAMING_METHODS.has(method)) {
        const response = await read()
        if (response == null) throw new AgentwireError('A2A_NO_ANSWER', `${peerId} closed the call without answering`)
        outcome(response.error?.code === -32603 || failedIn(response.result, 'task') ? 'failed' : 'ok')
        channel.close()
        return { kind: 'single', peerId, response }
      }
      const first = await read()
      if (first == null) throw new AgentwireError('A2A_NO_ANSWER', `${peerId} closed the call without answering`)
      const frames = (async function * (): AsyncGenerator<JsonRpcResponse, void, undefined> {
        let failed = first.error != null
        try {
          yield first
          for (let next = await read(); next != null; next = await read()) {
            if (next.error != null || failedIn(next.result, 'statusUpdate')) failed = true
            yield next
          }
          outcome(failed ? 'failed' : 'ok')
        } catch (err) {
          outcome(timeout.aborted ? 'timeout' : 'failed')
          throw err
        } finally {
          channel.close()
        }
      })()
      return { kind: 'stream', peerId, frames }
    } catch (err) {
      channel.close()
      const code = codeOf(err)
      if (code !== 'INVALID_A2A_RESPONSE' && !REFUSALS_ABOUT_CALLER.has(code ?? '')) outcome(timeout.aborted ? 'timeout' : 'failed')
      if (timeout.aborted) throw new AgentwireError('A2A_TIMEOUT', `${peerId} did not answer within ${this.init.callTimeoutMs} ms`, 'raise a2a.callTimeoutMs for slow agents')
      throw err
    }
  }

  /**
   * Send the request frame on the connection's session, or on a stream of its own, and return where
   * its answer is read. A request is sent again only when it provably never left (no stream could
   * be opened, or the session ended before it was written), so a call never runs twice.
   */
  private async send (target: string, connection: Connection, frame: RequestFrame, signal: AbortSignal, invalid: (reason: string) => Error): Promise<CallChannel> {
    const peerId = connection.remotePeer.toString()
    for (let attempt = 0; ; attempt++) {
      let stream: Stream
      try {
        const session = this.sessions != null ? await this.sessions.get(connection, signal) : undefined
        if (session != null) return sessionChannel(await session.call(frame, signal), signal, invalid)
        // Runs on limited (relayed) connections too, so a NATed agent answers before DCUtR goes direct.
        // `negotiateFully: false` does nothing in libp2p 3.3 (multistream-select has no optimistic
        // path any more): every such call pays the protocol-selection round trip (bench: stream-open).
        stream = await connection.newStream(A2A_PROTOCOL, { signal, runOnLimitedConnection: true })
      } catch (err) {
        if (signal.aborted) throw err
        // A session that ended before our request was written: nothing was sent, so try a fresh one.
        if (err instanceof SessionCallError && !err.delivered && attempt < 2) continue
        if (err instanceof AgentwireError) throw err
        // DCUtR closes the relayed connection once the direct one is up: open the stream on the new one.
        if (attempt === 0 && connection.status !== 'open') {
          connection = await this.c.connect(target, signal)
          continue
        }
        throw new AgentwireError('A2A_UNAVAILABLE', `${peerId} does not accept A2A calls: ${messageOf(err)}`, 'the peer may refuse this protocol, or the connection failed')
      }
      // Once the request is being written it is never sent again: an error from here on ends the call.
      return await streamChannel(stream, frame, signal, this.init.maxFrameBytes, this.init.callTimeoutMs, invalid)
    }
  }

  /** A peer's AgentCard over `/agentwire/card/1.0.0`, verified against the PeerId we reached. */
  async card (target: string, options: { signal?: AbortSignal, fresh?: boolean } = {}): Promise<{ peerId: string, card: CardJson }> {
    const signal = options.signal ?? AbortSignal.timeout(this.init.callTimeoutMs)
    const connection = await this.c.connect(target, signal)
    const peerId = connection.remotePeer.toString()
    const cached = this.cards.get(peerId)
    if (options.fresh !== true && cached != null && Date.now() - cached.at < CARD_CACHE_TTL_MS) return { peerId, card: cached.card }
    const stream = await connection.newStream(CARD_PROTOCOL, { signal, runOnLimitedConnection: true })
    try {
      const framed = jsonStream(stream, { maxBytes: MAX_CARD_BYTES })
      const frame = await framed.read(cardFrameSchema, { signal, invalid: reason => new AgentwireError('INVALID_CARD', `${peerId} sent no AgentCard (${reason})`) })
      if (frame == null) throw new AgentwireError('INVALID_CARD', `${peerId} sent no AgentCard`)
      if (!('card' in frame)) { throwIfErrorFrame(frame); throw new AgentwireError('INVALID_CARD', `${peerId} sent no AgentCard`) }
      await verifyCard(frame.card, peerId)
      this.cards.set(peerId, { card: frame.card, at: Date.now() })
      return { peerId, card: frame.card }
    } finally {
      await stream.close().catch(() => {})
    }
  }

  /**
   * A `fetch` for the SDK's JSON-RPC transport: the URL is a multiaddr (`/p2p/<PeerId>`), a PeerId
   * or a name; the POST body travels as one signed request frame; the answer comes back as JSON, or
   * as an SSE stream for streaming methods, exactly as the SDK expects from HTTP.
   */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const target = decodeURIComponent(String(input).replace(/^agentwire:/, ''))
    const body = String(init.body ?? '')
    const version = new Headers(init.headers).get('A2A-Version') ?? undefined
    const answer = await this.call(target, body, { ...(init.signal != null ? { signal: init.signal } : {}), ...(version != null ? { version } : {}) })
    if (answer.kind === 'single') {
      return new Response(JSON.stringify(answer.response), { status: 200, headers: { 'content-type': 'application/json' } })
    }
    const frames = answer.frames
    const encoder = new TextEncoder()
    const sse = new ReadableStream<Uint8Array>({
      async pull (controller) {
        try {
          const next = await frames.next()
          if (next.done === true) controller.close()
          else controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`))
        } catch (err) {
          controller.error(err)
        }
      },
      async cancel () { await frames.return(undefined) }
    })
    return new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }

  /** A TransportFactory for the SDK's ClientFactory, matching cards that list this binding. */
  transportFactory (): TransportFactory {
    // The SDK declares its options as a class; a plain object with the one field we set is what it reads.
    const transportOptions: Pick<NonNullable<ConstructorParameters<typeof JsonRpcTransportFactory>[0]>, 'fetchImpl'> = { fetchImpl: this.fetch }
    const jsonRpc = new JsonRpcTransportFactory(transportOptions)
    return {
      get protocolName () { return A2A_LIBP2P_BINDING },
      create: async (url: string, card: AgentCard): Promise<Transport> => await jsonRpc.create(url, card)
    }
  }
}

/** A field of a JSON object; undefined for anything else (null, a primitive, a missing field). */
function fieldOf (value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/** Whether an answer's `{task}` or `{statusUpdate}` says the task failed (`<key>.status.state`). */
function failedIn (result: unknown, key: 'task' | 'statusUpdate'): boolean {
  return fieldOf(fieldOf(fieldOf(result, key), 'status'), 'state') === 'TASK_STATE_FAILED'
}

// A2A on an agentwire node: the inbound binding behind the trust gate, the signed card, the caller,
// and the operations the CLI offers (send, tasks, card). Which agent answers inbound calls is
// chosen once: an in-process AgentExecutor (library), the `a2a.upstream` HTTP agent, or the
// built-in example agent.
import { randomUUID } from 'node:crypto'
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { AgentExecutor } from '@a2a-js/sdk/server'
import type { AgentwireConfig } from '../config/index.ts'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import type { Gate } from '../trust/index.ts'
import { NonceGuard } from '../guard/nonce-guard.ts'
import { jsonStream } from '../node/json-stream.ts'
import { AgentwireError } from '../errors.ts'
import { asError, messageOf } from '../caught.ts'
import { a2aServer } from './server.ts'
import { A2A_SESSION_PROTOCOL, sessionServer } from './session/index.ts'
import { SESSION_MAX_PER_CONNECTION } from './session/constants.ts'
import { A2ACaller, type CallOutcome, type CallAnswer } from './client.ts'
import { localBackend } from './local-backend.ts'
import { upstreamBackend } from './upstream-backend.ts'
import { rpcError, type A2ABackend, type JsonRpcResponse } from './backend.ts'
import { signCard, withLibp2pInterface, withoutLocalEndpoints, type CardJson } from './card.ts'
import { ExampleAgentExecutor, exampleAgentCard } from './example-agent.ts'
import { startGateway, type Gateway } from './gateway.ts'
import { Inbox } from './inbox.ts'
import { inboxBackend, inboxCard } from './inbox-backend.ts'
import { loadGatewayToken } from './gateway-token.ts'
import { A2A_NONCE_PREFIX, A2A_PROTOCOL, CARD_PROTOCOL, ENVELOPE_CLOCK_WINDOW_MS, MAX_CARD_BYTES } from './constants.ts'

export interface A2AComponents {
  libp2p: AgentLibp2p
  peerId: PeerId
  privateKey: PrivateKey
  datastore: Datastore
  audit: AuditLog
  gate: Gate
  log: Logger
  connect: (target: string, signal?: AbortSignal) => Promise<Connection>
  onOutcome?: (peerId: string, outcome: CallOutcome, method: string) => void
}

export interface A2AInit {
  config: AgentwireConfig
  /** In-process agent (library use); takes precedence over `a2a.upstream`. */
  executor?: AgentExecutor
  /** The in-process agent's card (protojson). */
  card?: CardJson
}

export interface SendOptions {
  data?: unknown
  contextId?: string
  taskId?: string
  stream?: boolean
  signal?: AbortSignal
  /** Each stream event as it arrives (with `stream`). */
  onEvent?: (event: unknown) => void
}

/** Answers every call when no agent stands behind this node. */
function noAgent (): A2ABackend {
  return {
    card: async () => ({ name: 'agentwire node (no agent)', description: 'This node forwards no A2A calls: set a2a.upstream or a2a.exampleAgent.', version: '0', supportedInterfaces: [], capabilities: { streaming: true }, defaultInputModes: [], defaultOutputModes: [], skills: [] }),
    handle: async request => ({ kind: 'single', response: rpcError(request.id, -32004, 'Unsupported operation: no agent is attached to this node (its operator can set a2a.upstream)') })
  }
}

export class A2AService {
  readonly caller: A2ACaller
  /** Inbound tasks waiting for a local answer (`a2a.inbox`), when this node keeps an inbox. */
  readonly inbox: Inbox | undefined
  private readonly c: A2AComponents
  private readonly init: A2AInit
  private readonly backend: A2ABackend
  private readonly nonces: NonceGuard
  private signedCard: CardJson | undefined
  private gateway: Gateway | undefined

  /** The local HTTP gateway's base URL, when it runs. */
  get gatewayUrl (): string | undefined { return this.gateway?.url }

  /** The base URL of each peer given its own gateway port (`a2a.gateway.peers`), by target. */
  get gatewayPeers (): Record<string, string> { return this.gateway?.peers ?? {} }

  constructor (components: A2AComponents, init: A2AInit) {
    this.c = components
    this.init = init
    const self = components.peerId.toString()
    const a2a = init.config.a2a
    const addInterface = (card: CardJson): CardJson => withLibp2pInterface(card, self)
    this.inbox = init.executor == null && a2a.inbox != null ? new Inbox({ datastore: components.datastore, audit: components.audit, log: components.log }, a2a.inbox) : undefined
    this.backend = this.inbox != null
      ? inboxBackend(this.inbox, inboxCard(init.config.name ?? 'agentwire inbox'), addInterface)
      : init.executor != null
        ? localBackend({ executor: init.executor, card: init.card ?? exampleAgentCard(init.config.name ?? 'agentwire agent') }, addInterface)
        : a2a.upstream != null
          ? upstreamBackend(a2a.upstream)
          : a2a.exampleAgent
            ? localBackend({ executor: new ExampleAgentExecutor(), card: exampleAgentCard(init.config.name != null ? `${init.config.name} (example agent)` : undefined) }, addInterface)
            : noAgent()
    this.nonces = new NonceGuard(components.datastore, { prefix: A2A_NONCE_PREFIX, clockWindowMs: ENVELOPE_CLOCK_WINDOW_MS, log: components.log })
    this.caller = new A2ACaller({ peerId: components.peerId, privateKey: components.privateKey, connect: components.connect, ...(components.onOutcome != null ? { onOutcome: components.onOutcome } : {}) },
      { maxFrameBytes: a2a.maxFrameBytes, callTimeoutMs: a2a.callTimeoutMs, sessions: a2a.sessions })
  }

  async start (): Promise<void> {
    const a2a = this.init.config.a2a
    await this.nonces.load()
    await this.inbox?.load()
    const server = a2aServer({
      self: this.c.peerId.toString(),
      backend: this.backend,
      audit: this.c.audit,
      nonces: this.nonces,
      log: this.c.log,
      maxFrameBytes: a2a.maxFrameBytes,
      maxCallsPerPeer: a2a.maxCallsPerPeer,
      callTimeoutMs: a2a.callTimeoutMs,
      payloads: this.init.config.audit.payloads
    })
    // A2A runs over limited (relayed) connections on purpose: a NATed agent must be reachable before
    // DCUtR upgrades the connection; relay limits (duration, bytes) then apply to those calls.
    await this.c.gate.handle(A2A_PROTOCOL, server.stream, { maxInboundStreams: a2a.maxCallsPerPeer * 2, maxOutboundStreams: 64, runOnLimitedConnection: true })
    if (a2a.sessions) {
      // Every call on a session is admitted by the gate and checked by `server` as a call on its own stream.
      const gate = this.c.gate
      const session = sessionServer({ server, admit: async (connection, protocol) => await gate.admit(connection, protocol), strike: (peer, code) => { gate.strike(peer, code) }, maxFrameBytes: a2a.maxFrameBytes, log: this.c.log })
      await gate.handle(A2A_SESSION_PROTOCOL, session, { maxInboundStreams: SESSION_MAX_PER_CONNECTION, maxOutboundStreams: SESSION_MAX_PER_CONNECTION, runOnLimitedConnection: true, perCall: true })
    }
    const serveCard = async (stream: Stream): Promise<void> => {
      try {
        await jsonStream(stream, { maxBytes: MAX_CARD_BYTES }).write({ card: await this.card() })
        await stream.close()
      } catch (err) {
        this.c.log.debug({ err }, 'could not serve our card; resetting the stream')
        stream.abort(asError(err))
      }
    }
    const cardOptions = { maxInboundStreams: 4, maxOutboundStreams: 8, runOnLimitedConnection: true }
    // Through the gate either way, so card floods meet the peer guard; `public` skips only the trust check.
    await this.c.gate.handle(CARD_PROTOCOL, serveCard, { ...cardOptions, public: a2a.cardVisibility === 'public' })
    if (a2a.gateway.listen != null || Object.keys(a2a.gateway.peers).length > 0) {
      const { token } = await loadGatewayToken(this.init.config.dataDir)
      this.gateway = await startGateway({ ...a2a.gateway, token, caller: this.caller, log: this.c.log, maxBodyBytes: a2a.maxFrameBytes })
    }
  }

  async stop (): Promise<void> {
    await this.gateway?.close()
    for (const protocol of [A2A_PROTOCOL, A2A_SESSION_PROTOCOL, CARD_PROTOCOL]) {
      await this.c.libp2p.unhandle(protocol).catch((err: unknown) => { this.c.log.debug({ err, protocol }, 'could not unregister a protocol') })
    }
    await this.backend.stop?.()
  }

  /** This node's card, with this binding listed and signed with the node's key. */
  async card (): Promise<CardJson> {
    if (this.signedCard != null) return this.signedCard
    let base: CardJson | undefined
    try {
      base = await this.backend.card()
    } catch (err) {
      this.c.log.warn({ err: messageOf(err) }, 'could not read the upstream agent\'s card; serving a minimal one')
    }
    // An upstream agent's card lists its local URL; the public card lists only this node.
    const published = base != null && this.init.executor == null && this.init.config.a2a.upstream != null ? withoutLocalEndpoints(base) : base
    const card = withLibp2pInterface(published ?? await noAgent().card() as CardJson, this.c.peerId.toString())
    const signed = await signCard(card, this.c.privateKey, this.c.peerId.toString())
    if (base != null) this.signedCard = signed // keep retrying an upstream that was down
    return signed
  }

  /** One JSON-RPC call by method name; the wire result or a thrown A2A error. */
  async rpc (target: string, method: string, params: unknown, options: { signal?: AbortSignal, onEvent?: (event: unknown) => void } = {}): Promise<{ peerId: string, result: unknown }> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params })
    const answer: CallAnswer = await this.caller.call(target, body, options.signal != null ? { signal: options.signal } : {})
    if (answer.kind === 'single') return { peerId: answer.peerId, result: unwrap(answer.response) }
    let last: unknown
    for await (const frame of answer.frames) {
      last = unwrap(frame)
      options.onEvent?.(last)
    }
    return { peerId: answer.peerId, result: last ?? null }
  }

  async send (target: string, text: string, options: SendOptions = {}): Promise<{ peerId: string, result: unknown }> {
    const parts: Array<{ text: string } | { data: unknown }> = [{ text }]
    if (options.data !== undefined) parts.push({ data: options.data })
    const message = {
      messageId: randomUUID(),
      role: 'ROLE_USER',
      parts,
      ...(options.contextId != null ? { contextId: options.contextId } : {}),
      ...(options.taskId != null ? { taskId: options.taskId } : {})
    }
    return await this.rpc(target, options.stream === true ? 'SendStreamingMessage' : 'SendMessage', { message }, options)
  }
}

/** The result of a JSON-RPC response, or its error as an AgentwireError carrying the A2A code. */
function unwrap (response: JsonRpcResponse): unknown {
  if (response.error != null) {
    throw new AgentwireError(`A2A_${response.error.code}`, `the agent answered with A2A error ${response.error.code}: ${response.error.message}`,
      A2A_HINTS[response.error.code])
  }
  return response.result
}

const A2A_HINTS: Record<number, string> = {
  [-32001]: 'no such task for you: list yours with `agentwire tasks list <target>`',
  [-32002]: 'the task already ended and cannot be canceled',
  [-32004]: 'the remote agent does not support this operation',
  [-32009]: 'the remote agent speaks another A2A version'
}

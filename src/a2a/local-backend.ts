// The in-process backend: an AgentExecutor behind the SDK's transport-independent JSON-RPC handler,
// wired the way the SDK's own HTTP adapter wires it, with the caller's PeerId as the user.
import { AgentCard } from '@a2a-js/sdk'
import {
  DefaultRequestHandler, InMemoryTaskStore, JsonRpcTransportHandler, ServerCallContext, validateVersion, type A2ARequestHandler, type AgentExecutor, type TaskStore
} from '@a2a-js/sdk/server'
import type { A2ABackend, BackendAnswer, CallInfo, JsonRpcRequest, JsonRpcResponse } from './backend.ts'
import { isAsyncIterable } from './backend.ts'
import type { CardJson } from './card.ts'
import { A2A_LIBP2P_BINDING } from './constants.ts'

/** The SDK's notion of a user: here, a remote node proven by its PeerId. */
export class PeerUser {
  private readonly peerId: string
  constructor (peerId: string) { this.peerId = peerId }
  get isAuthenticated (): boolean { return true }
  get userName (): string { return this.peerId }
}

export interface LocalBackendInit {
  executor: AgentExecutor
  /** The agent's card (protojson); our interface is added before it is used or served. */
  card: CardJson
  taskStore?: TaskStore
}

export function localBackend (init: LocalBackendInit, withInterface: (card: CardJson) => CardJson): A2ABackend {
  const card = withInterface(init.card)
  const internalCard = AgentCard.fromJSON(card)
  const requestHandler = new DefaultRequestHandler(internalCard, init.taskStore ?? new InMemoryTaskStore(), init.executor)
  return { card: async () => init.card, handle: sdkDispatch(internalCard, requestHandler) }
}

/**
 * One call through the SDK's transport-independent JSON-RPC handler: the caller's PeerId as the user,
 * the version checked against our binding, one answer or a stream. Shared by every backend built on
 * an SDK request handler (the in-process agent, the inbox); `onContext` lets a handler find the
 * call's signal from its context.
 */
export function sdkDispatch (internalCard: AgentCard, requestHandler: A2ARequestHandler, onContext?: (context: ServerCallContext, info: CallInfo) => void): A2ABackend['handle'] {
  const transport = new JsonRpcTransportHandler(requestHandler)
  return async (request: JsonRpcRequest, info: CallInfo): Promise<BackendAnswer> => {
    const context = new ServerCallContext({ user: new PeerUser(info.caller), requestedVersion: info.version })
    onContext?.(context, info)
    try {
      validateVersion(context.requestedVersion, internalCard, A2A_LIBP2P_BINDING)
    } catch (err) {
      return { kind: 'single', response: { jsonrpc: '2.0', id: request.id ?? null, error: JsonRpcTransportHandler.mapToJSONRPCError(err) } }
    }
    // A parsed JSON-RPC request is a plain object: what the SDK's handler reads field by field.
    const answer = await transport.handle({ ...request }, context)
    if (isAsyncIterable(answer)) return { kind: 'stream', events: answer as AsyncGenerator<JsonRpcResponse, void, undefined> }
    return { kind: 'single', response: answer as JsonRpcResponse }
  }
}

export { JsonRpcTransportHandler }

// Where an inbound A2A call is answered. Both backends take a JSON-RPC request and the caller's
// PeerId and return one JSON-RPC response or a stream of them; the binding (server.ts) only moves frames.

export interface JsonRpcRequest { jsonrpc: '2.0', id: string | number | null, method: string, params?: unknown }
// `result` is whatever the remote agent answered: readers narrow it before use.
export interface JsonRpcResponse { jsonrpc: '2.0', id: string | number | null, result?: unknown, error?: { code: number, message: string, data?: unknown } }

export type BackendAnswer =
  | { kind: 'single', response: JsonRpcResponse }
  | { kind: 'stream', events: AsyncGenerator<JsonRpcResponse, void, undefined> }

export interface CallInfo {
  /** The caller's PeerId: the authenticated user, so tasks are isolated per caller. */
  caller: string
  /** The A2A version the caller asked for. */
  version: string
  /** Aborted when the caller's stream closes or the call times out. */
  signal: AbortSignal
}

export interface A2ABackend {
  handle: (request: JsonRpcRequest, info: CallInfo) => Promise<BackendAnswer>
  /** The agent's own card (unsigned, without our interface), or undefined if it has none yet. */
  card: () => Promise<Record<string, unknown> | undefined>
  stop?: () => Promise<void>
}

export function rpcError (id: JsonRpcRequest['id'], code: number, message: string): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } }
}

export function isAsyncIterable (value: unknown): value is AsyncGenerator {
  return value != null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}

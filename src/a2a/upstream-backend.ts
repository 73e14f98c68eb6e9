// The upstream backend: a local A2A agent over HTTP JSON-RPC, unchanged. Calls are forwarded as
// they are (streams as SSE, cancellation as an aborted request). The agent sees one client, us, so
// we keep per-caller isolation here: a task (and a context) belongs to the PeerId whose call created
// it, every task id a request names is checked against the caller, ListTasks pages are ours, and a
// method A2A does not define is refused rather than passed to an agent that might serve it unscoped.
import { codeOf, messageOf } from '../caught.ts'
import { parseSseStream } from '@a2a-js/sdk'
import type { A2ABackend, BackendAnswer, CallInfo, JsonRpcRequest, JsonRpcResponse } from './backend.ts'
import { rpcError } from './backend.ts'
import { A2A_METHODS, STREAMING_METHODS } from './constants.ts'
import { TaskOwners } from './task-owners.ts'
import { AgentwireError } from '../errors.ts'

const TASK_NOT_FOUND = -32001
const METHOD_NOT_FOUND = -32601
const INVALID_PARAMS = -32602
/** ListTasks page size when the caller names none, and the most we return. */
const DEFAULT_PAGE_SIZE = 50
const MAX_PAGE_SIZE = 100
/** Most upstream pages one ListTasks call reads while looking for this caller's tasks. */
const MAX_UPSTREAM_PAGES = 20

export function upstreamBackend (baseUrl: string): A2ABackend {
  const owners = new TaskOwners()
  let endpoint: string | undefined
  let cachedCard: Record<string, unknown> | undefined

  async function card (): Promise<Record<string, unknown> | undefined> {
    if (cachedCard != null) return cachedCard
    const res = await fetch(new URL('/.well-known/agent-card.json', baseUrl), { signal: AbortSignal.timeout(5_000) })
    if (!res.ok) throw new AgentwireError('UPSTREAM_CARD', `the upstream agent at ${baseUrl} served no AgentCard (HTTP ${res.status})`, 'check a2a.upstream: it must be the base URL of an A2A agent')
    cachedCard = objectOf(await res.json())
    const interfaces = Array.isArray(cachedCard.supportedInterfaces) ? cachedCard.supportedInterfaces.map(objectOf) : []
    const url = interfaces.find(i => i.protocolBinding === 'JSONRPC')?.url
    endpoint = typeof url === 'string' ? url : baseUrl
    return cachedCard
  }

  async function post (request: JsonRpcRequest, info: CallInfo): Promise<Response | JsonRpcResponse> {
    if (endpoint == null) await card()
    const streaming = STREAMING_METHODS.has(request.method)
    try {
      return await fetch(endpoint ?? baseUrl, { // card() sets endpoint, falling back to baseUrl itself
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: streaming ? 'text/event-stream' : 'application/json', 'A2A-Version': info.version },
        body: JSON.stringify(request),
        signal: info.signal
      })
    } catch (err) {
      if (info.signal.aborted) throw err
      return rpcError(request.id, -32603, `the agent behind this node is unreachable (${codeOf(objectOf(err).cause) ?? messageOf(err)})`)
    }
  }

  /** ListTasks across upstream pages, keeping only the caller's tasks, with our own page tokens. */
  async function listTasks (request: JsonRpcRequest, info: CallInfo): Promise<JsonRpcResponse> {
    const { pageToken, pageSize, ...rest } = objectOf(request.params)
    const filters = JSON.stringify(rest)
    const want = Math.min(MAX_PAGE_SIZE, Math.max(1, typeof pageSize === 'number' && Number.isInteger(pageSize) && pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE))
    let upstreamToken = ''
    let tasks: unknown[] = []
    if (typeof pageToken === 'string' && pageToken !== '') {
      const state = owners.takePage(pageToken, info.caller)
      if (state == null || state.filters !== filters) return rpcError(request.id, INVALID_PARAMS, 'Invalid params: unknown or expired pageToken (start the listing again without one)')
      upstreamToken = state.upstreamToken
      tasks = state.pending
    }
    const fresh = tasks.length === 0 && upstreamToken === ''
    for (let page = 0; tasks.length < want && page < MAX_UPSTREAM_PAGES && (fresh ? page === 0 || upstreamToken !== '' : upstreamToken !== ''); page++) {
      const res = await post({ ...request, params: { ...rest, pageSize: MAX_PAGE_SIZE, ...(upstreamToken !== '' ? { pageToken: upstreamToken } : {}) } }, info)
      if (!(res instanceof Response)) return res
      const response = await res.json() as JsonRpcResponse
      if (response.error != null) return { ...response, id: request.id }
      const result = objectOf(response.result)
      if (Array.isArray(result.tasks)) tasks.push(...(result.tasks as unknown[]).filter(t => { const id = objectOf(t).id; return typeof id === 'string' && owners.owner(id) === info.caller }))
      upstreamToken = typeof result.nextPageToken === 'string' ? result.nextPageToken : ''
    }
    const more = tasks.length > want || upstreamToken !== ''
    const nextPageToken = more ? owners.savePage({ caller: info.caller, upstreamToken, pending: tasks.slice(want), filters }) : ''
    const totalSize = Object.keys(rest).some(k => k !== 'historyLength' && k !== 'includeArtifacts' && k !== 'tenant') ? undefined : owners.countFor(info.caller)
    return { jsonrpc: '2.0', id: request.id, result: { tasks: tasks.slice(0, want), nextPageToken, pageSize: want, ...(totalSize != null ? { totalSize } : {}) } }
  }

  return {
    card,
    handle: async (request: JsonRpcRequest, info: CallInfo): Promise<BackendAnswer> => {
      const refuse = (code: number, message: string): BackendAnswer => ({ kind: 'single', response: rpcError(request.id ?? null, code, message) })
      if (!A2A_METHODS.has(request.method)) return refuse(METHOD_NOT_FOUND, `Method not found: ${String(request.method).slice(0, 64)}`)
      const named = owners.taskIdsOf(request.method, request.params)
      if ('error' in named) return refuse(INVALID_PARAMS, `Invalid params: ${named.error}`)
      for (const id of named.ids) {
        if (owners.owner(id) !== info.caller) return refuse(TASK_NOT_FOUND, `Task not found: ${id.slice(0, 128)}`)
      }
      const contextId = objectOf(objectOf(request.params).message).contextId
      if (typeof contextId === 'string' && owners.contextOwner(contextId) != null && owners.contextOwner(contextId) !== info.caller) {
        return refuse(INVALID_PARAMS, 'Invalid params: message.contextId belongs to another caller (start a new context)')
      }
      if (request.method === 'ListTasks') return { kind: 'single', response: await listTasks(request, info) }
      const res = await post(request, info)
      if (!(res instanceof Response)) return { kind: 'single', response: res }
      if (STREAMING_METHODS.has(request.method) && res.headers.get('content-type')?.startsWith('text/event-stream') === true) {
        return {
          kind: 'stream',
          events: (async function * () {
            for await (const event of parseSseStream(res)) {
              const response = JSON.parse(event.data) as JsonRpcResponse
              owners.claimResponse(response.result, info.caller)
              yield response
            }
          })()
        }
      }
      const response = await res.json() as JsonRpcResponse
      owners.claimResponse(response.result, info.caller)
      return { kind: 'single', response }
    }
  }
}

/** A JSON value as an object to read fields from; anything else reads as empty. */
function objectOf (value: unknown): Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

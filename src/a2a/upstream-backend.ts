// The upstream backend: a local A2A agent over HTTP JSON-RPC, unchanged. Calls are forwarded as
// they are (streams as SSE, cancellation as an aborted request). The agent sees one client, us, so
// we keep per-caller isolation here: a task belongs to the PeerId whose call created it, and other
// callers get "task not found" for it.
import { parseSseStream } from '@a2a-js/sdk'
import type { A2ABackend, BackendAnswer, CallInfo, JsonRpcRequest, JsonRpcResponse } from './backend.ts'
import { rpcError } from './backend.ts'
import { STREAMING_METHODS } from './constants.ts'
import { AgentwireError } from '../errors.ts'

const TASK_NOT_FOUND = -32001
/** Most task owners remembered (oldest forgotten first). */
const MAX_OWNED_TASKS = 100_000
/** Methods that name one task in `params.id`. */
const TASK_METHODS = new Set(['GetTask', 'CancelTask', 'SubscribeToTask', 'GetTaskPushNotificationConfig', 'CreateTaskPushNotificationConfig', 'ListTaskPushNotificationConfigs', 'DeleteTaskPushNotificationConfig'])

export function upstreamBackend (baseUrl: string): A2ABackend {
  const owners = new Map<string, string>()
  let endpoint: string | undefined
  let cachedCard: Record<string, any> | undefined

  const own = (taskId: unknown, caller: string): void => {
    if (typeof taskId !== 'string' || taskId === '' || owners.has(taskId)) return
    if (owners.size >= MAX_OWNED_TASKS) owners.delete(owners.keys().next().value!)
    owners.set(taskId, caller)
  }
  const claim = (response: JsonRpcResponse, caller: string): void => {
    const r = response.result
    if (r == null || typeof r !== 'object') return
    own(r.task?.id ?? r.statusUpdate?.taskId ?? r.artifactUpdate?.taskId ?? r.message?.taskId, caller)
  }

  async function card (): Promise<Record<string, any> | undefined> {
    if (cachedCard != null) return cachedCard
    const res = await fetch(new URL('/.well-known/agent-card.json', baseUrl), { signal: AbortSignal.timeout(5_000) })
    if (!res.ok) throw new AgentwireError('UPSTREAM_CARD', `the upstream agent at ${baseUrl} served no AgentCard (HTTP ${res.status})`, 'check a2a.upstream: it must be the base URL of an A2A agent')
    cachedCard = await res.json() as Record<string, any>
    endpoint = cachedCard.supportedInterfaces?.find((i: any) => i.protocolBinding === 'JSONRPC')?.url ?? baseUrl
    return cachedCard
  }

  return {
    card,
    handle: async (request: JsonRpcRequest, info: CallInfo): Promise<BackendAnswer> => {
      if (TASK_METHODS.has(request.method)) {
        const id = request.params?.id ?? request.params?.taskId
        if (owners.get(id) !== info.caller) return { kind: 'single', response: rpcError(request.id, TASK_NOT_FOUND, `Task not found: ${String(id)}`) }
      }
      if (endpoint == null) await card()
      const streaming = STREAMING_METHODS.has(request.method)
      let res: Response
      try {
        res = await fetch(endpoint!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: streaming ? 'text/event-stream' : 'application/json', 'A2A-Version': info.version },
          body: JSON.stringify(request),
          signal: info.signal
        })
      } catch (err: any) {
        if (info.signal.aborted) throw err
        return { kind: 'single', response: rpcError(request.id, -32603, `the agent behind this node is unreachable (${err.cause?.code ?? err.message})`) }
      }
      if (streaming && res.headers.get('content-type')?.startsWith('text/event-stream') === true) {
        return {
          kind: 'stream',
          events: (async function * () {
            for await (const event of parseSseStream(res)) {
              const response = JSON.parse(event.data) as JsonRpcResponse
              claim(response, info.caller)
              yield response
            }
          })()
        }
      }
      const response = await res.json() as JsonRpcResponse
      claim(response, info.caller)
      if (request.method === 'ListTasks' && Array.isArray(response.result?.tasks)) {
        response.result = { ...response.result, tasks: response.result.tasks.filter((t: any) => owners.get(t.id) === info.caller) }
      }
      return { kind: 'single', response }
    }
  }
}

// One handler per CLI command. Each takes the JSON params the CLI sent and returns the JSON result
// the CLI prints; errors carry a code and a hint (see src/errors.ts).
import type { AgentNode } from '../agent-node.ts'
import { AgentwireError } from '../errors.ts'
import type { ControlHandlers } from './server.ts'
import { mcpHandlers } from './mcp-handlers.ts'

export interface HandlerHooks {
  /** Called after `stop` has answered, to shut the daemon down. */
  requestStop: () => void
}

function requireTarget (params: Record<string, any>): string {
  if (typeof params.target !== 'string' || params.target === '') {
    throw new AgentwireError('MISSING_TARGET', 'this command needs a target', 'give a PeerId, a name or a multiaddr')
  }
  return params.target
}

function requireTaskId (params: Record<string, any>): string {
  if (typeof params.taskId !== 'string' || params.taskId === '') throw new AgentwireError('MISSING_TASK_ID', 'this command needs a task id', 'list task ids with `agentwire tasks list <target>`')
  return params.taskId
}

export function nodeHandlers (node: AgentNode, hooks: HandlerHooks): ControlHandlers {
  return {
    ...mcpHandlers(node),
    info: async () => node.info(),
    health: async () => node.health(),
    status: async () => node.status(),
    peers: async () => node.peers(),
    ping: async (params, { signal }) => node.ping(requireTarget(params), { signal }),
    connect: async (params, { signal }) => node.connect(requireTarget(params), { signal }),
    disconnect: async (params) => node.disconnect(requireTarget(params)),
    'trust.request': async (params, { signal }) => node.trust.request(requireTarget(params), typeof params.reason === 'string' ? params.reason : undefined, signal),
    'trust.pending': async () => node.trust.pending(),
    'trust.approve': async (params, { signal }) => node.trust.approve(requireTarget(params), signal),
    'trust.reject': async (params, { signal }) => node.trust.reject(requireTarget(params), signal),
    'trust.revoke': async (params, { signal }) => node.trust.revoke(requireTarget(params), signal),
    'trust.list': async () => node.trust.list(),
    'audit.witnesses': async (_params, { signal }) => await node.trust.witness.collect(signal),
    send: async (params, { signal, emit }) => {
      if (typeof params.text !== 'string') throw new AgentwireError('MISSING_TEXT', 'send needs the text of the message', 'agentwire send <target> "text"')
      const streamed = params.stream === true
      const answer = await node.a2a.send(requireTarget(params), params.text, {
        ...(params.data !== undefined ? { data: params.data } : {}),
        ...(typeof params.contextId === 'string' ? { contextId: params.contextId } : {}),
        ...(typeof params.taskId === 'string' ? { taskId: params.taskId } : {}),
        stream: streamed,
        signal,
        onEvent: emit
      })
      return { ...answer, streamed }
    },
    'tasks.list': async (params, { signal }) => await node.a2a.rpc(requireTarget(params), 'ListTasks', {
      ...(typeof params.contextId === 'string' ? { contextId: params.contextId } : {}),
      ...(typeof params.pageSize === 'number' ? { pageSize: params.pageSize } : {}),
      ...(typeof params.pageToken === 'string' ? { pageToken: params.pageToken } : {})
    }, { signal }),
    'tasks.get': async (params, { signal }) => await node.a2a.rpc(requireTarget(params), 'GetTask', { id: requireTaskId(params) }, { signal }),
    'tasks.cancel': async (params, { signal }) => await node.a2a.rpc(requireTarget(params), 'CancelTask', { id: requireTaskId(params) }, { signal }),
    card: async (params, { signal }) => ({ ...(await node.a2a.caller.card(requireTarget(params), { signal, fresh: true })), verified: true }),
    rate: async (params, { signal }) => {
      const peerId = (await node.resolveTarget(requireTarget(params), { signal })).peerId.toString()
      return await node.reputation.rate(peerId, String(params.outcome ?? ''), typeof params.note === 'string' ? { note: params.note } : {})
    },
    reputation: async (params, { signal }) => {
      if (params.target == null) return node.reputation.list()
      return node.reputation.get((await node.resolveTarget(requireTarget(params), { signal })).peerId.toString())
    },
    'reputation.watch': async (params, { signal, emit }) => {
      const all = params.all === true
      for await (const event of node.reputation.watch({ signal })) {
        if (all || (event as { type?: string }).type === 'report') emit(event)
      }
      return null
    },
    'reputation.unquarantine': async (params, { signal }) =>
      await node.reputation.unquarantine((await node.resolveTarget(requireTarget(params), { signal })).peerId.toString()),
    resolve: async (params, { signal }) => node.resolve(requireTarget(params), { acceptNew: params.acceptNew === true, ...(typeof params.pick === 'string' ? { pick: params.pick } : {}), signal }),
    stop: async () => {
      setImmediate(hooks.requestStop)
      return { stopping: true, peerId: node.peerId.toString() }
    }
  }
}

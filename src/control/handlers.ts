// One handler per CLI command. Each takes the params the CLI sent, already checked against the
// method's schema (protocol.ts), and returns the result the CLI prints; errors carry a code and a
// hint (see src/errors.ts).
import type { AgentNode } from '../agent-node.ts'
import type { ControlHandlers } from './server.ts'
import { mcpHandlers } from './mcp-handlers.ts'
import { explainRefusal, refusedByPeer } from './refused-by-peer.ts'

export interface HandlerHooks {
  /** Called after `stop` has answered, to shut the daemon down. */
  requestStop: () => void
}

export function nodeHandlers (node: AgentNode, hooks: HandlerHooks): ControlHandlers {
  const peerIdOf = async (target: string, signal: AbortSignal): Promise<string> => (await node.resolveTarget(target, { signal })).peerId.toString()
  // An A2A call to a peer that refused this node: the error says so (refused-by-peer.ts).
  const a2a = async <T>(target: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (err) {
      throw await explainRefusal(node, target, err)
    }
  }
  return {
    ...mcpHandlers(node),
    info: async () => node.info(),
    health: async () => node.health(),
    status: async () => node.status(),
    peers: async () => node.peers(),
    ping: async ({ target }, { signal }) => await node.ping(target, { signal }),
    connect: async ({ target }, { signal }) => await node.connect(target, { signal }),
    disconnect: async ({ target }) => await node.disconnect(target),
    'trust.request': async ({ target, reason }, { signal }) => {
      const entry = await node.trust.request(target, reason, signal)
      if (entry.state === 'refused-by-peer') throw refusedByPeer(node, entry.peerId)
      return entry
    },
    'trust.pending': async () => node.trust.pending(),
    'trust.approve': async ({ target }, { signal }) => await node.trust.approve(target, signal),
    'trust.reject': async ({ target }, { signal }) => await node.trust.reject(target, signal),
    'trust.revoke': async ({ target }, { signal }) => await node.trust.revoke(target, signal),
    'trust.list': async () => node.trust.list(),
    'audit.witnesses': async (_params, { signal }) => await node.trust.witness.collect(signal),
    send: async ({ target, text, data, contextId, taskId, stream }, { signal, emit }) => {
      const streamed = stream === true
      const answer = await a2a(target, async () => await node.a2a.send(target, text, {
        ...(data !== undefined ? { data } : {}),
        ...(contextId != null ? { contextId } : {}),
        ...(taskId != null ? { taskId } : {}),
        stream: streamed,
        signal,
        onEvent: emit
      }))
      return { ...answer, streamed }
    },
    'tasks.list': async ({ target, contextId, pageSize, pageToken }, { signal }) => await a2a(target, async () => await node.a2a.rpc(target, 'ListTasks', {
      ...(contextId != null ? { contextId } : {}),
      ...(pageSize != null ? { pageSize } : {}),
      ...(pageToken != null ? { pageToken } : {})
    }, { signal })),
    'tasks.get': async ({ target, taskId }, { signal }) => await a2a(target, async () => await node.a2a.rpc(target, 'GetTask', { id: taskId }, { signal })),
    'tasks.cancel': async ({ target, taskId }, { signal }) => await a2a(target, async () => await node.a2a.rpc(target, 'CancelTask', { id: taskId }, { signal })),
    card: async ({ target }, { signal }) => ({ ...(await node.a2a.caller.card(target, { signal, fresh: true })), verified: true as const }),
    rate: async ({ target, outcome, note }, { signal }) =>
      await node.reputation.rate(await peerIdOf(target, signal), outcome, note != null ? { note } : {}),
    reputation: async ({ target }, { signal }) => target == null ? node.reputation.list() : node.reputation.get(await peerIdOf(target, signal)),
    'reputation.watch': async ({ all }, { signal, emit }) => {
      for await (const event of node.reputation.watch({ signal })) {
        if (all === true || event.type === 'report') emit(event)
      }
      return null
    },
    'reputation.unquarantine': async ({ target }, { signal }) => await node.reputation.unquarantine(await peerIdOf(target, signal)),
    resolve: async ({ target, acceptNew, pick }, { signal }) => await node.resolve(target, { acceptNew: acceptNew === true, ...(pick != null ? { pick } : {}), signal }),
    stop: async () => {
      setImmediate(hooks.requestStop)
      return { stopping: true as const, peerId: node.peerId.toString() }
    }
  }
}

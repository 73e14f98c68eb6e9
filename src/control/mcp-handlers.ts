// Control handlers for the inbox (`agentwire inbox`) and for what `agentwire mcp` needs beyond the
// CLI's commands: an agent's verified summary, a peer's standing (trust and reputation, so remote
// content can be labelled), a send that waits a bounded time, and approval through MCP (off unless
// `mcp.allowApprove`, audited).
import { randomUUID } from 'node:crypto'
import type { AgentNode } from '../agent-node.ts'
import { AgentwireError, toErrorBody } from '../errors.ts'
import type { Inbox, InboxItem, ReplyState } from '../a2a/inbox.ts'
import { InboxOffError } from '../a2a/inbox-errors.ts'
import { parseTarget } from '../node/targets.ts'
import type { ControlHandlers } from './server.ts'

/** Longest one `inbox.list` may wait for a task to arrive, in ms. */
const MAX_INBOX_WAIT_MS = 120_000
/** Polling steps of a bounded send while the remote task runs, in ms (few calls: each is a call). */
const POLL_STEPS_MS = [500, 1000, 2000, 4000, 5000]
/** Task states after which nothing more happens without the caller. */
const SETTLED = new Set(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED', 'TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_AUTH_REQUIRED'])

/** Who a peer is to this node: what a model needs to weigh content that came from it. */
export interface PeerStanding {
  peerId: string
  name: string | null
  trust: string
  mutual: boolean
  reputation: { state: string, score: number }
}

export function standingOf (node: AgentNode, peerId: string): PeerStanding {
  const entry = node.trust.list().find(e => e.peerId === peerId)
  const rep = node.reputation.get(peerId)
  return {
    peerId,
    name: entry?.name ?? node.naming.nameOf(peerId) ?? null,
    trust: entry?.state ?? 'none',
    mutual: entry?.mutual ?? false,
    reputation: { state: rep.state, score: rep.score }
  }
}

function inboxOf (node: AgentNode): Inbox {
  if (node.a2a.inbox == null) throw new InboxOffError()
  return node.a2a.inbox
}

function requireString (params: Record<string, any>, key: string, hint: string): string {
  if (typeof params[key] !== 'string' || params[key] === '') throw new AgentwireError('MISSING_ARGUMENT', `this command needs ${key}`, hint)
  return params[key]
}

const withStanding = (node: AgentNode, item: InboxItem): InboxItem & { standing: PeerStanding } => ({ ...item, standing: standingOf(node, item.from) })

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => await new Promise(resolve => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

export function mcpHandlers (node: AgentNode): ControlHandlers {
  return {
    'mcp.settings': async () => ({ peerId: node.peerId.toString(), allowApprove: node.config.mcp.allowApprove, maxWaitSeconds: node.config.mcp.maxWaitSeconds, inbox: node.a2a.inbox != null }),

    'peer.standing': async (params, { signal }) => standingOf(node, (await node.resolveTarget(requireString(params, 'target', 'give a PeerId or a name'), { signal })).peerId.toString()),

    'agent.find': async (params, { signal }) => {
      const target = requireString(params, 'target', 'give a PeerId, a name or a multiaddr')
      const parsed = parseTarget(target)
      const resolved = parsed.kind === 'name' ? await node.resolve(target, { signal }) : undefined
      const peerId = resolved?.peerId ?? (await node.resolveTarget(target, { signal })).peerId.toString()
      let card: Record<string, any> | null = null
      let cardError: ReturnType<typeof toErrorBody> | null = null
      try {
        card = (await node.a2a.caller.card(peerId, { signal, fresh: true })).card
      } catch (err) {
        cardError = toErrorBody(err)
      }
      return {
        peerId,
        ...(resolved != null ? { resolvedName: resolved.name, pinned: resolved.pinned } : {}),
        connected: node.libp2p.getConnections().some(c => c.remotePeer.toString() === peerId),
        card: card == null
          ? null
          : {
              verified: true,
              name: card.name,
              description: card.description ?? '',
              version: card.version ?? '',
              streaming: card.capabilities?.streaming === true,
              skills: (card.skills ?? []).map((s: any) => ({ id: s.id, name: s.name, description: s.description ?? '', tags: s.tags ?? [], examples: s.examples ?? [] }))
            },
        cardError,
        standing: standingOf(node, peerId)
      }
    },

    /** Send a message and wait up to `waitMs` for the task to settle; the task id comes back either way. */
    'a2a.delegate': async (params, { signal }) => {
      const target = requireString(params, 'target', 'give a PeerId, a name or a multiaddr')
      if (typeof params.text !== 'string' || params.text === '') throw new AgentwireError('MISSING_TEXT', 'a task needs text', 'say what the other agent should do')
      const waitMs = Math.max(0, Math.min(Number(params.waitMs ?? 0) || 0, node.config.mcp.maxWaitSeconds * 1000))
      const parts: any[] = [{ text: params.text }]
      if (params.data !== undefined) parts.push({ data: params.data })
      const message = {
        messageId: randomUUID(),
        role: 'ROLE_USER',
        parts,
        ...(typeof params.contextId === 'string' ? { contextId: params.contextId } : {}),
        ...(typeof params.taskId === 'string' ? { taskId: params.taskId } : {})
      }
      const first = await node.a2a.rpc(target, 'SendMessage', { message, configuration: { returnImmediately: true } }, { signal })
      const peerId = first.peerId
      let result = first.result as any
      const deadline = Date.now() + waitMs
      for (let i = 0; result?.task != null && !SETTLED.has(result.task.status?.state) && Date.now() < deadline && !signal.aborted; i++) {
        await sleep(Math.min(POLL_STEPS_MS[Math.min(i, POLL_STEPS_MS.length - 1)], Math.max(0, deadline - Date.now())), signal)
        result = { task: (await node.a2a.rpc(peerId, 'GetTask', { id: result.task.id }, { signal })).result }
      }
      const settled = result?.task == null || SETTLED.has(result.task.status?.state)
      return { peerId, result, settled, standing: standingOf(node, peerId) }
    },

    'mcp.trust.approve': async (params, { signal }) => {
      if (!node.config.mcp.allowApprove) {
        throw new AgentwireError('MCP_APPROVE_DISABLED', 'approving trust through MCP is turned off on this node', 'approving a peer is the operator\'s decision: run `agentwire trust approve <peer>`, or set `mcp: { allowApprove: true }` in the config')
      }
      const peerId = (await node.resolveTarget(requireString(params, 'target', 'give the PeerId to approve'), { signal })).peerId.toString()
      // Audited before the decision, like every trust decision: this one was made by a model.
      await node.audit.append('trust.approve.mcp', { peer: peerId, client: typeof params.client === 'string' ? params.client.slice(0, 100) : null })
      return await node.trust.approve(peerId, signal)
    },

    'inbox.list': async (params, { signal }) => {
      const inbox = inboxOf(node)
      const options = { all: params.all === true, ...(typeof params.from === 'string' ? { from: params.from } : {}) }
      let items = inbox.items(options)
      const waitMs = Math.max(0, Math.min(Number(params.waitMs ?? 0) || 0, MAX_INBOX_WAIT_MS))
      if (items.length === 0 && waitMs > 0) {
        await new Promise<void>(resolve => {
          const done = (): void => { clearTimeout(timer); off(); resolve() }
          const timer = setTimeout(done, waitMs)
          const off = inbox.onChange(change => { if (change.kind === 'new' || change.kind === 'message') done() })
          signal.addEventListener('abort', done, { once: true })
        })
        items = inbox.items(options)
      }
      if (params.claim === true) items = await Promise.all(items.map(async i => i.state === 'submitted' ? await inbox.show(i.taskId) : i))
      return items.map(i => withStanding(node, i))
    },
    'inbox.show': async (params) => withStanding(node, await inboxOf(node).show(requireString(params, 'taskId', 'list task ids with `agentwire inbox list`'))),
    'inbox.reply': async (params) => {
      const state = params.state ?? 'completed'
      if (!['completed', 'input-required', 'failed', 'rejected'].includes(state)) {
        throw new AgentwireError('BAD_REPLY_STATE', `"${String(state)}" is not a reply state`, 'use completed, input-required, failed or rejected')
      }
      const item = await inboxOf(node).reply(requireString(params, 'taskId', 'list task ids with `agentwire inbox list`'), {
        ...(typeof params.text === 'string' ? { text: params.text } : {}),
        ...(params.data !== undefined ? { data: params.data } : {}),
        state: state as ReplyState
      }, params.via === 'mcp' ? 'mcp' : 'cli')
      return withStanding(node, item)
    },
    'inbox.watch': async (_params, { signal, emit }) => {
      const inbox = inboxOf(node)
      await new Promise<void>(resolve => {
        const off = inbox.onChange(change => {
          if (change.kind === 'artifact') return // its status change follows
          emit({ type: change.kind, item: withStanding(node, inbox.items({ all: true }).find(i => i.taskId === change.record.task.id)!) })
        })
        signal.addEventListener('abort', () => { off(); resolve() }, { once: true })
      })
      return null
    }
  }
}

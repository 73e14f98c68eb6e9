// Control handlers for the inbox (`agentwire inbox`) and for what `agentwire mcp` needs beyond the
// CLI's commands: an agent's verified summary, a peer's standing (trust and reputation, so remote
// content can be labelled), a send that waits a bounded time, and approval through MCP (off unless
// `mcp.allowApprove`, audited).
import { randomUUID } from 'node:crypto'
import type { AgentNode } from '../agent-node.ts'
import { AgentwireError, toErrorBody } from '../errors.ts'
import type { Inbox, InboxItem } from '../a2a/inbox.ts'
import { InboxOffError } from '../a2a/inbox-errors.ts'
import type { CardJson } from '../a2a/index.ts'
import { parseTarget } from '../node/targets.ts'
import type { ControlHandlers } from './server.ts'
import type { FoundAgent } from './protocol.ts'
import { explainRefusal } from './refused-by-peer.ts'

/** The methods served here. */
type McpMethod = 'mcp.settings' | 'peer.standing' | 'agent.find' | 'a2a.delegate' | 'mcp.trust.approve' | 'inbox.list' | 'inbox.show' | 'inbox.reply' | 'inbox.watch'

/** The few fields of a remote Task (A2A v1.0 JSON) a bounded send looks at; all may be missing. */
interface TaskResult { task?: { id?: string, status?: { state?: string } } }

/** The card fields `agent.find` passes on; the card is signature-checked, its content is the peer's claim. */
interface CardSkill { id?: string, name?: string, description?: string, tags?: string[], examples?: string[] }

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

const withStanding = (node: AgentNode, item: InboxItem): InboxItem & { standing: PeerStanding } => ({ ...item, standing: standingOf(node, item.from) })

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => await new Promise(resolve => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

export function mcpHandlers (node: AgentNode): Pick<ControlHandlers, McpMethod> {
  return {
    'mcp.settings': async () => ({ peerId: node.peerId.toString(), allowApprove: node.config.mcp.allowApprove, maxWaitSeconds: node.config.mcp.maxWaitSeconds, inbox: node.a2a.inbox != null }),

    'peer.standing': async ({ target }, { signal }) => standingOf(node, (await node.resolveTarget(target, { signal })).peerId.toString()),

    'agent.find': async ({ target }, { signal }): Promise<FoundAgent> => {
      const parsed = parseTarget(target)
      const resolved = parsed.kind === 'name' ? await node.resolve(target, { signal }) : undefined
      const peerId = resolved?.peerId ?? (await node.resolveTarget(target, { signal })).peerId.toString()
      let card: CardJson | null = null
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
              name: String(card.name),
              description: typeof card.description === 'string' ? card.description : '',
              version: typeof card.version === 'string' ? card.version : '',
              streaming: (card.capabilities as { streaming?: unknown } | undefined)?.streaming === true,
              skills: (Array.isArray(card.skills) ? card.skills as CardSkill[] : []).map(s => ({ id: String(s.id), name: String(s.name), description: s.description ?? '', tags: s.tags ?? [], examples: s.examples ?? [] }))
            },
        cardError,
        standing: standingOf(node, peerId)
      }
    },

    /** Send a message and wait up to `waitMs` for the task to settle; the task id comes back either way. */
    'a2a.delegate': async ({ target, text, data, contextId, taskId, waitMs: askedMs }, { signal }) => {
      const waitMs = Math.max(0, Math.min(askedMs ?? 0, node.config.mcp.maxWaitSeconds * 1000))
      const parts: Array<{ text: string } | { data: unknown }> = [{ text }]
      if (data !== undefined) parts.push({ data })
      const message = {
        messageId: randomUUID(),
        role: 'ROLE_USER',
        parts,
        ...(contextId != null ? { contextId } : {}),
        ...(taskId != null ? { taskId } : {})
      }
      const first = await node.a2a.rpc(target, 'SendMessage', { message, configuration: { returnImmediately: true } }, { signal }).catch(async (err: unknown) => { throw await explainRefusal(node, target, err) })
      const peerId = first.peerId
      // The remote agent's answer: only read where a field is there, passed on as it came.
      let result = first.result as TaskResult | undefined
      const open = (r: TaskResult | undefined): boolean => r?.task != null && !SETTLED.has(r.task.status?.state ?? '')
      const deadline = Date.now() + waitMs
      for (let i = 0; open(result) && Date.now() < deadline && !signal.aborted; i++) {
        await sleep(Math.min(POLL_STEPS_MS[Math.min(i, POLL_STEPS_MS.length - 1)], Math.max(0, deadline - Date.now())), signal)
        result = { task: (await node.a2a.rpc(peerId, 'GetTask', { id: result?.task?.id }, { signal })).result as TaskResult['task'] }
      }
      const settled = !open(result)
      return { peerId, result, settled, standing: standingOf(node, peerId) }
    },

    'mcp.trust.approve': async ({ target, client }, { signal }) => {
      if (!node.config.mcp.allowApprove) {
        throw new AgentwireError('MCP_APPROVE_DISABLED', 'approving trust through MCP is turned off on this node', 'approving a peer is the operator\'s decision: run `agentwire trust approve <peer>`, or set `mcp: { allowApprove: true }` in the config')
      }
      const peerId = (await node.resolveTarget(target, { signal })).peerId.toString()
      // Audited before the decision, like every trust decision: this one was made by a model.
      await node.audit.append('trust.approve.mcp', { peer: peerId, client: client != null ? client.slice(0, 100) : null })
      return await node.trust.approve(peerId, signal)
    },

    'inbox.list': async ({ all, from, waitMs: askedMs, claim }, { signal }) => {
      const inbox = inboxOf(node)
      const options = { all: all === true, ...(from != null ? { from } : {}) }
      let items = inbox.items(options)
      const waitMs = Math.max(0, Math.min(askedMs ?? 0, MAX_INBOX_WAIT_MS))
      if (items.length === 0 && waitMs > 0) {
        await new Promise<void>(resolve => {
          const done = (): void => { clearTimeout(timer); off(); resolve() }
          const timer = setTimeout(done, waitMs)
          const off = inbox.onChange(change => { if (change.kind === 'new' || change.kind === 'message') done() })
          signal.addEventListener('abort', done, { once: true })
        })
        items = inbox.items(options)
      }
      if (claim === true) items = await Promise.all(items.map(async i => i.state === 'submitted' ? await inbox.show(i.taskId) : i))
      return items.map(i => withStanding(node, i))
    },
    'inbox.show': async ({ taskId }) => withStanding(node, await inboxOf(node).show(taskId)),
    'inbox.reply': async ({ taskId, text, data, state, via }) => {
      const item = await inboxOf(node).reply(taskId, {
        ...(text != null ? { text } : {}),
        ...(data !== undefined ? { data } : {}),
        state: state ?? 'completed'
      }, via === 'mcp' ? 'mcp' : 'cli')
      return withStanding(node, item)
    },
    'inbox.watch': async (_params, { signal, emit }) => {
      const inbox = inboxOf(node)
      await new Promise<void>(resolve => {
        const off = inbox.onChange(change => {
          if (change.kind === 'artifact') return // its status change follows
          const item = inbox.items({ all: true }).find(i => i.taskId === change.record.task.id)
          if (item != null) emit({ type: change.kind, item: withStanding(node, item) })
        })
        signal.addEventListener('abort', () => { off(); resolve() }, { once: true })
      })
      return null
    }
  }
}

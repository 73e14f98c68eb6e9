// The control protocol in one map: for every method the daemon answers, the params it takes (a zod
// schema, checked at the server's edge) and the result it returns (a type). The server's handlers,
// the CLI's client and printers, and the MCP tools all read this file, so a renamed param or a
// changed result is a compile error on both sides, and a bad param is refused naming the param.
import { z } from 'zod'
import type { NodeInfo, StatusSummary, PeerSummary, ResolveResult, PingResult, ConnectResult, TrustEntry, ReputationView, HealthReport, CardJson, ErrorBody } from '../index.ts'
import type { ReputationEvent } from '../reputation/index.ts'
import type { WitnessAnswer } from '../trust/audit-witness.ts'
import type { InboxItem } from '../a2a/inbox.ts'
import type { PeerStanding } from './mcp-handlers.ts'

/** A PeerId, a name or a multiaddr; the node says which it could not resolve. */
const target = z.string().min(1, 'must not be empty')
const taskId = z.string().min(1, 'must not be empty')
const none = z.object({})

/** Params of every control method. Unknown keys are dropped (an older or newer CLI still works). */
export const controlParams = {
  info: none,
  health: none,
  status: none,
  peers: none,
  ping: z.object({ target }),
  connect: z.object({ target }),
  disconnect: z.object({ target }),
  resolve: z.object({ target, acceptNew: z.boolean().optional(), pick: z.string().optional() }),
  'trust.request': z.object({ target, reason: z.string().optional() }),
  'trust.pending': none,
  'trust.approve': z.object({ target }),
  'trust.reject': z.object({ target }),
  'trust.revoke': z.object({ target }),
  'trust.list': none,
  'audit.witnesses': none,
  send: z.object({
    target,
    text: z.string(),
    data: z.unknown().optional(),
    contextId: z.string().optional(),
    taskId: z.string().optional(),
    stream: z.boolean().optional()
  }),
  'tasks.list': z.object({ target, contextId: z.string().optional(), pageSize: z.number().int().positive().optional(), pageToken: z.string().optional() }),
  'tasks.get': z.object({ target, taskId }),
  'tasks.cancel': z.object({ target, taskId }),
  card: z.object({ target }),
  // The outcome's own check (UNKNOWN_OUTCOME) lists the valid ones.
  rate: z.object({ target, outcome: z.string(), note: z.string().optional() }),
  reputation: z.object({ target: target.optional() }),
  'reputation.watch': z.object({ all: z.boolean().optional() }),
  'reputation.unquarantine': z.object({ target }),
  stop: none,
  // What `agentwire mcp` and `agentwire inbox` need beyond the commands above (mcp-handlers.ts).
  'mcp.settings': none,
  'peer.standing': z.object({ target }),
  'agent.find': z.object({ target }),
  'a2a.delegate': z.object({
    target,
    text: z.string().min(1, 'must not be empty'),
    data: z.unknown().optional(),
    contextId: z.string().optional(),
    taskId: z.string().optional(),
    waitMs: z.number().nonnegative().optional()
  }),
  'mcp.trust.approve': z.object({ target, client: z.string().nullable().optional() }),
  'inbox.list': z.object({ all: z.boolean().optional(), from: z.string().optional(), waitMs: z.number().nonnegative().optional(), claim: z.boolean().optional() }),
  'inbox.show': z.object({ taskId }),
  'inbox.reply': z.object({
    taskId,
    text: z.string().optional(),
    data: z.unknown().optional(),
    state: z.enum(['completed', 'input-required', 'failed', 'rejected']).optional(),
    via: z.enum(['cli', 'mcp']).optional()
  }),
  'inbox.watch': none
} as const

export type ControlMethod = keyof typeof controlParams

/** What a caller sends for a method (before defaults). */
export type ControlParams<M extends ControlMethod> = z.input<(typeof controlParams)[M]>
/** What a handler receives: checked by the schema. */
export type CheckedParams<M extends ControlMethod> = z.output<(typeof controlParams)[M]>

/** An A2A call's answer as the node relays it: whose agent answered and the JSON-RPC result. */
export interface A2AAnswer { peerId: string, result: unknown }

/** What an MCP client may see of a found agent. */
export interface FoundAgent {
  peerId: string
  resolvedName?: string
  pinned?: boolean
  connected: boolean
  card: { verified: true, name: string, description: string, version: string, streaming: boolean, skills: Array<{ id: string, name: string, description: string, tags: string[], examples: string[] }> } | null
  cardError: ErrorBody | null
  standing: PeerStanding
}

/** The result of every control method. */
export interface ControlResults {
  info: NodeInfo
  health: HealthReport
  status: StatusSummary
  peers: PeerSummary[]
  ping: PingResult
  connect: ConnectResult
  disconnect: { peerId: string, closed: number }
  resolve: ResolveResult
  'trust.request': TrustEntry
  'trust.pending': TrustEntry[]
  'trust.approve': TrustEntry
  'trust.reject': TrustEntry
  'trust.revoke': TrustEntry & { connectionsClosed: number }
  'trust.list': TrustEntry[]
  'audit.witnesses': WitnessAnswer[]
  send: A2AAnswer & { streamed: boolean }
  'tasks.list': A2AAnswer
  'tasks.get': A2AAnswer
  'tasks.cancel': A2AAnswer
  card: { peerId: string, card: CardJson, verified: true }
  rate: ReputationView
  reputation: ReputationView | ReputationView[]
  'reputation.watch': null
  'reputation.unquarantine': ReputationView
  stop: { stopping: true, peerId: string }
  'mcp.settings': { peerId: string, allowApprove: boolean, maxWaitSeconds: number, inbox: boolean }
  'peer.standing': PeerStanding
  'agent.find': FoundAgent
  'a2a.delegate': A2AAnswer & { settled: boolean, standing: PeerStanding }
  'mcp.trust.approve': TrustEntry
  'inbox.list': Array<InboxItem & { standing: PeerStanding }>
  'inbox.show': InboxItem & { standing: PeerStanding }
  'inbox.reply': InboxItem & { standing: PeerStanding }
  'inbox.watch': null
}

export type ControlResult<M extends ControlMethod> = ControlResults[M]

/** The events a streaming method emits before its result. */
export interface ControlEvents {
  send: unknown
  'reputation.watch': ReputationEvent
  'inbox.watch': { type: 'new' | 'message' | 'status', item: InboxItem & { standing: PeerStanding } }
}

export function isControlMethod (method: string): method is ControlMethod {
  return Object.hasOwn(controlParams, method)
}

// Per-caller isolation for an upstream agent that sees one client (us): which caller owns each task
// and context, every task id a request names, and our own opaque, per-caller ListTasks page tokens
// (the upstream's tokens encode its task ids, so they never leave this node).
import { randomBytes } from 'node:crypto'
import { evictOldest } from '../evict-oldest.ts'

/** Most task and context owners remembered (oldest forgotten first; a forgotten task reads as not found). */
const MAX_OWNED = 100_000
/** Most ListTasks page tokens alive at once, and per caller (oldest dropped). */
const MAX_PAGE_TOKENS = 10_000
const MAX_PAGE_TOKENS_PER_CALLER = 16
/** How long a ListTasks page token stays valid, in ms. */
const PAGE_TOKEN_TTL_MS = 10 * 60_000

/** Methods whose `params.id` is a task id. */
const ID_IS_TASK = new Set(['GetTask', 'CancelTask', 'SubscribeToTask'])
/** Keys that name a task wherever they appear in params (`message.taskId`, push configs' `taskId`…). */
const TASK_KEYS = new Set(['taskId', 'referenceTaskIds'])
/** How deep we look for task ids; A2A params nest a few levels. */
const MAX_SCAN_DEPTH = 16

export interface PageState {
  caller: string
  /** The upstream's own token for where to continue, or '' when it has no more. */
  upstreamToken: string
  /** Tasks already fetched past the last page we returned. */
  pending: unknown[]
  /** The filters the listing started with: a token is only good for the same listing. */
  filters: string
  expires: number
}

export class TaskOwners {
  private readonly tasks = new Map<string, string>()
  private readonly contexts = new Map<string, string>()
  private readonly pages = new Map<string, PageState>()

  owner (taskId: string): string | undefined { return this.tasks.get(taskId) }
  contextOwner (contextId: string): string | undefined { return this.contexts.get(contextId) }

  /** Count of tasks this caller owns. */
  countFor (caller: string): number {
    let n = 0
    for (const owner of this.tasks.values()) if (owner === caller) n++
    return n
  }

  /** First writer wins: a task or context keeps the caller whose call created it. */
  claim (taskId: unknown, contextId: unknown, caller: string): void {
    remember(this.tasks, taskId, caller)
    remember(this.contexts, contextId, caller)
  }

  /** Claim what an upstream answer (or stream event) names. */
  claimResponse (result: unknown, caller: string): void {
    if (result == null || typeof result !== 'object') return
    const r = result as Record<string, unknown>
    const item = (r.task ?? r.message ?? r.statusUpdate ?? r.artifactUpdate) as Record<string, unknown> | null | undefined
    if (item == null || typeof item !== 'object') return
    this.claim(r.task != null ? item.id : item.taskId, item.contextId, caller)
  }

  /** Every task id `params` names, or an error text if one is not a string. */
  taskIdsOf (method: string, params: unknown): { ids: string[] } | { error: string } {
    const ids: string[] = []
    if (ID_IS_TASK.has(method)) {
      const id = (params as { id?: unknown } | null | undefined)?.id
      if (typeof id !== 'string') return { error: 'params.id must be a task id (a string)' }
      ids.push(id)
    }
    let error: string | undefined
    const walk = (value: unknown, path: string, depth: number): void => {
      if (error != null || value == null || typeof value !== 'object' || depth > MAX_SCAN_DEPTH) return
      for (const [key, child] of Object.entries(value)) {
        if (TASK_KEYS.has(key)) {
          const list = Array.isArray(child) ? child : [child]
          for (const id of list) {
            if (typeof id !== 'string') { error = `${path}${key} must hold task ids (strings)`; return }
            if (id !== '') ids.push(id)
          }
        } else {
          walk(child, `${path}${key}.`, depth + 1)
        }
      }
    }
    walk(params, 'params.', 0)
    return error != null ? { error } : { ids }
  }

  /** Store where a listing continues; returns our opaque token for it. */
  savePage (state: Omit<PageState, 'expires'>): string {
    const now = Date.now()
    for (const [token, p] of this.pages) if (p.expires <= now) this.pages.delete(token)
    const mine = [...this.pages].filter(([, p]) => p.caller === state.caller)
    if (mine.length >= MAX_PAGE_TOKENS_PER_CALLER) this.pages.delete(mine[0][0])
    if (this.pages.size >= MAX_PAGE_TOKENS) evictOldest(this.pages)
    const token = randomBytes(18).toString('base64url')
    this.pages.set(token, { ...state, expires: now + PAGE_TOKEN_TTL_MS })
    return token
  }

  /** The listing state behind `token`, only for the caller it was given to (used once). */
  takePage (token: string, caller: string): PageState | undefined {
    const state = this.pages.get(token)
    if (state == null || state.caller !== caller || state.expires <= Date.now()) return undefined
    this.pages.delete(token)
    return state
  }
}

function remember (map: Map<string, string>, id: unknown, caller: string): void {
  if (typeof id !== 'string' || id === '' || map.has(id)) return
  if (map.size >= MAX_OWNED) evictOldest(map)
  map.set(id, caller)
}

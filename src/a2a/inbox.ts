// The inbox: inbound A2A tasks kept, persisted in the node's datastore, until a local consumer
// (`agentwire inbox`, an LLM through `agentwire mcp`) answers them. The caller sees the normal A2A
// lifecycle: submitted → working (a consumer read it) → completed / failed / rejected /
// input-required, or canceled by the caller. Bounded per peer and in total; closed tasks are kept
// a while so their caller can still fetch the answer.
import { randomUUID } from 'node:crypto'
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import { Message, Role, Task, TaskState, type Artifact, type Part } from '@a2a-js/sdk'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import { messageOf } from '../caught.ts'
import { EmptyReplyError, InboxTaskNotFoundError, InboxTaskClosedError } from './inbox-errors.ts'

/** Datastore prefix of inbox tasks: one record per task. */
export const INBOX_PREFIX = '/agentwire/inbox/'
/** How long a closed task stays fetchable by its caller, in ms. */
export const INBOX_KEEP_CLOSED_MS = 7 * 24 * 60 * 60 * 1000
/** Most closed tasks kept (oldest dropped first), so answered work cannot fill the disk. */
export const INBOX_MAX_CLOSED = 1000
/** Largest inbound message (protojson), in bytes: an inbox is read by a model or a person, not a bulk channel. */
export const INBOX_MAX_MESSAGE_BYTES = 256 * 1024
/** Most messages in one task's history (a conversation through input-required turns). */
export const INBOX_MAX_HISTORY = 50

export type InboxState = 'submitted' | 'working' | 'input-required' | 'completed' | 'failed' | 'canceled' | 'rejected'
export type ReplyState = 'completed' | 'input-required' | 'failed' | 'rejected'

const STATE_OF: Partial<Record<TaskState, InboxState>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_REJECTED]: 'rejected'
}
const TASK_STATE: Record<ReplyState, TaskState> = {
  completed: TaskState.TASK_STATE_COMPLETED,
  'input-required': TaskState.TASK_STATE_INPUT_REQUIRED,
  failed: TaskState.TASK_STATE_FAILED,
  rejected: TaskState.TASK_STATE_REJECTED
}

/** The task's state in the inbox's words (every task this inbox made has a status). */
const stateOf = (t: Task): InboxState | undefined => t.status != null ? STATE_OF[t.status.state] : undefined
/** Waiting for the local consumer: counts against the inbox bounds. */
export const isQueued = (t: Task): boolean => t.status?.state === TaskState.TASK_STATE_SUBMITTED || t.status?.state === TaskState.TASK_STATE_WORKING
/** Waiting for the caller (input-required) also holds a slot: the conversation is not over. */
const isOpen = (t: Task): boolean => isQueued(t) || t.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED
/** The caller's blocking wait and stream end here: terminal, or the turn is the caller's. */
export const isSettled = (t: Task): boolean => !isQueued(t)

export interface InboxRecord { task: Task, caller: string, receivedAt: number, updatedAt: number }

/** What a consumer sees: plain text and data, with who sent it. */
export interface InboxItem {
  taskId: string
  contextId: string
  from: string
  state: InboxState
  receivedAt: string
  updatedAt: string
  messages: Array<{ role: 'caller' | 'local', text: string, data?: unknown[] }>
  answer?: { text: string, data?: unknown[] }
}

/** A change to a task, for its caller's stream and for `inbox --watch`. */
export interface InboxChange { record: InboxRecord, kind: 'new' | 'message' | 'status' | 'artifact', artifact?: Artifact }

export interface InboxInit {
  /** @default 16 */
  maxPerPeer?: number
  /** @default 256 */
  maxTotal?: number
}

export interface ReplyInput { text?: string, data?: unknown, state?: ReplyState }

export class InboxFullError extends Error {
  static override name = 'InboxFullError'
  readonly scope: 'peer' | 'total'
  readonly limit: number
  constructor (scope: 'peer' | 'total', limit: number) {
    super(scope === 'peer'
      ? `inbox full: you already have ${limit} open tasks here (the limit per peer); wait until some are answered, or cancel one`
      : `inbox full: ${limit} open tasks are waiting here (the limit for all peers); try again later`)
    this.name = 'InboxFullError'
    this.scope = scope
    this.limit = limit
  }
}

export function textPart (value: string): Part {
  return { content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: 'text/plain' }
}
function dataPart (value: unknown): Part {
  return { content: { $case: 'data', value }, metadata: undefined, filename: '', mediaType: 'application/json' }
}

function plain (parts: Part[]): { text: string, data?: unknown[] } {
  const text = parts.map(p => p.content?.$case === 'text' || p.content?.$case === 'url' ? p.content.value : '').filter(t => t !== '').join('\n')
  // The SDK types a data part's value as `any`: it is whatever JSON the caller sent.
  const data = parts.flatMap((p): unknown[] => p.content?.$case === 'data' ? [p.content.value as unknown] : [])
  return { text, ...(data.length > 0 ? { data } : {}) }
}

/** An inbox record as persisted: checked field by field when read back, the task by the SDK's own parser. */
function storedRecord (raw: unknown): InboxRecord {
  if (typeof raw !== 'object' || raw == null) throw new TypeError('not a JSON object')
  const { task, caller, receivedAt, updatedAt } = raw as Record<string, unknown>
  if (typeof caller !== 'string' || typeof receivedAt !== 'number' || typeof updatedAt !== 'number') throw new TypeError('caller, receivedAt or updatedAt missing')
  return { task: Task.fromJSON(task), caller, receivedAt, updatedAt }
}

export class Inbox {
  private readonly c: { datastore: Datastore, audit: AuditLog, log: Logger }
  private readonly maxPerPeer: number
  private readonly maxTotal: number
  private readonly records = new Map<string, InboxRecord>()
  private readonly listeners = new Set<(change: InboxChange) => void>()

  constructor (components: { datastore: Datastore, audit: AuditLog, log: Logger }, init: InboxInit = {}) {
    this.c = components
    this.maxPerPeer = init.maxPerPeer ?? 16
    this.maxTotal = init.maxTotal ?? 256
  }

  async load (): Promise<void> {
    for await (const { key, value } of this.c.datastore.query({ prefix: INBOX_PREFIX })) {
      try {
        const record = storedRecord(JSON.parse(toString(value)))
        this.records.set(record.task.id, record)
      } catch (err) {
        this.c.log.warn({ key: key.toString(), err: messageOf(err) }, 'unreadable inbox record skipped')
      }
    }
    await this.prune()
  }

  /** Listen to every change (new tasks, caller messages, answers, cancellations). */
  onChange (listener: (change: InboxChange) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  // ---- the caller's side (through the A2A backend) -----------------------------------------------

  /** Queue a new task from `caller`. Checks the bounds and inserts before any await, so concurrent calls cannot overshoot. */
  async submit (caller: string, message: Message): Promise<InboxRecord> {
    checkSize(message)
    const open = [...this.records.values()].filter(r => isOpen(r.task))
    if (open.length >= this.maxTotal) throw new InboxFullError('total', this.maxTotal)
    if (open.filter(r => r.caller === caller).length >= this.maxPerPeer) throw new InboxFullError('peer', this.maxPerPeer)
    const id = randomUUID()
    const contextId = message.contextId !== '' ? message.contextId : randomUUID()
    const now = Date.now()
    const record: InboxRecord = {
      task: { id, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date(now).toISOString() }, artifacts: [], history: [{ ...message, taskId: id, contextId }], metadata: undefined },
      caller,
      receivedAt: now,
      updatedAt: now
    }
    this.records.set(id, record)
    try {
      await this.persist(record)
    } catch (err) {
      this.records.delete(id)
      throw err
    }
    this.emit({ record, kind: 'new' })
    void this.prune().catch((err: unknown) => { this.c.log.warn({ err }, 'could not prune the inbox') })
    return record
  }

  /** A follow-up message on an open task: the caller answering input-required, or adding detail. */
  async continueTask (caller: string, taskId: string, message: Message): Promise<InboxRecord> {
    checkSize(message)
    const record = this.ownRecord(caller, taskId)
    if (!isOpen(record.task)) throw new InboxTaskClosedError(taskId, stateOf(record.task) ?? 'closed')
    if (record.task.history.length >= INBOX_MAX_HISTORY) throw new InboxTaskClosedError(taskId, `at its limit of ${INBOX_MAX_HISTORY} messages`)
    const reopened = record.task.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED
    record.task.history.push({ ...message, taskId, contextId: record.task.contextId })
    if (reopened) record.task.status = { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() }
    await this.touch(record)
    this.emit({ record, kind: 'message' })
    return record
  }

  /** The caller's own task; another caller's task does not exist for it. */
  ownRecord (caller: string, taskId: string): InboxRecord {
    const record = this.records.get(taskId)
    if (record == null || record.caller !== caller) throw new InboxTaskNotFoundError(taskId)
    return record
  }

  ownTasks (caller: string): InboxRecord[] {
    return [...this.records.values()].filter(r => r.caller === caller).sort((a, b) => b.updatedAt - a.updatedAt)
  }

  async cancel (caller: string, taskId: string): Promise<InboxRecord> {
    const record = this.ownRecord(caller, taskId)
    if (!isOpen(record.task)) throw new InboxTaskClosedError(taskId, stateOf(record.task) ?? 'closed')
    record.task.status = { state: TaskState.TASK_STATE_CANCELED, message: undefined, timestamp: new Date().toISOString() }
    await this.touch(record)
    this.emit({ record, kind: 'status' })
    return record
  }

  /** Resolves when the task settles (answered, canceled, input-required), `signal` aborts, or `timeoutMs` passes. */
  async waitSettled (taskId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const record = this.records.get(taskId)
    if (record == null || isSettled(record.task) || signal?.aborted === true) return
    await new Promise<void>(resolve => {
      const done = (): void => { clearTimeout(timer); off(); signal?.removeEventListener('abort', done); resolve() }
      const timer = setTimeout(done, timeoutMs)
      const off = this.onChange(change => { if (change.record.task.id === taskId && isSettled(change.record.task)) done() })
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  // ---- the local consumer's side ------------------------------------------------------------------

  /** Tasks for the consumer, oldest first (a queue): open ones by default, or every kept task. */
  items (options: { all?: boolean, from?: string } = {}): InboxItem[] {
    return [...this.records.values()]
      .filter(r => (options.all === true || isQueued(r.task)) && (options.from == null || r.caller === options.from))
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .map(r => this.item(r))
  }

  /** One task in full; reading a submitted task marks it working, so its caller sees it was picked up. */
  async show (taskId: string, options: { claim?: boolean } = {}): Promise<InboxItem> {
    const record = this.localRecord(taskId)
    if (options.claim !== false && record.task.status?.state === TaskState.TASK_STATE_SUBMITTED) {
      record.task.status = { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: new Date().toISOString() }
      await this.touch(record)
      this.emit({ record, kind: 'status' })
    }
    return this.item(record)
  }

  /** Answer a queued task: its caller's task takes this state, with the text and data as its artifact (or status message). */
  async reply (taskId: string, input: ReplyInput, via: string): Promise<InboxItem> {
    const state = input.state ?? 'completed'
    const parts = [...(input.text != null && input.text !== '' ? [textPart(input.text)] : []), ...(input.data !== undefined ? [dataPart(input.data)] : [])]
    if (parts.length === 0) throw new EmptyReplyError()
    const record = this.localRecord(taskId)
    if (!isQueued(record.task)) throw new InboxTaskClosedError(taskId, stateOf(record.task) ?? 'closed')
    const { id, contextId } = record.task
    const message = { messageId: randomUUID(), contextId, taskId: id, role: Role.ROLE_AGENT, parts, metadata: undefined, extensions: [], referenceTaskIds: [] }
    await this.c.audit.append('inbox.reply', { peer: record.caller, taskId: id, state, via })
    let artifact: Artifact | undefined
    if (state === 'completed') {
      artifact = { artifactId: randomUUID(), name: 'answer', description: 'the answer from the local agent', parts, metadata: undefined, extensions: [] }
      record.task.artifacts.push(artifact)
      record.task.status = { state: TASK_STATE[state], message: undefined, timestamp: new Date().toISOString() }
    } else {
      record.task.status = { state: TASK_STATE[state], message, timestamp: new Date().toISOString() }
    }
    record.task.history.push(message)
    await this.touch(record)
    if (artifact != null) this.emit({ record, kind: 'artifact', artifact })
    this.emit({ record, kind: 'status' })
    return this.item(record)
  }

  /** Counts for `status` and the MCP info tool. */
  counts (): { queued: number, kept: number } {
    const all = [...this.records.values()]
    return { queued: all.filter(r => isQueued(r.task)).length, kept: all.length }
  }

  private localRecord (taskId: string): InboxRecord {
    const record = this.records.get(taskId)
    if (record == null) throw new InboxTaskNotFoundError(taskId)
    return record
  }

  private item (r: InboxRecord): InboxItem {
    const answerParts = r.task.artifacts.flatMap(a => a.parts)
    return {
      taskId: r.task.id,
      contextId: r.task.contextId,
      from: r.caller,
      state: stateOf(r.task) ?? 'submitted',
      receivedAt: new Date(r.receivedAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
      messages: r.task.history.map(m => ({ role: m.role === Role.ROLE_AGENT ? 'local' as const : 'caller' as const, ...plain(m.parts) })),
      ...(answerParts.length > 0 ? { answer: plain(answerParts) } : {})
    }
  }

  private async touch (record: InboxRecord): Promise<void> {
    record.updatedAt = Date.now()
    await this.persist(record)
  }

  private async persist (record: InboxRecord): Promise<void> {
    const value = { task: Task.toJSON(record.task), caller: record.caller, receivedAt: record.receivedAt, updatedAt: record.updatedAt }
    await this.c.datastore.put(new Key(INBOX_PREFIX + record.task.id), fromString(JSON.stringify(value)))
  }

  /** Forget closed tasks past their keeping time, and the oldest beyond the cap. */
  private async prune (now = Date.now()): Promise<void> {
    const closed = [...this.records.values()].filter(r => !isOpen(r.task)).sort((a, b) => a.updatedAt - b.updatedAt)
    const drop = closed.filter((r, i) => now - r.updatedAt > INBOX_KEEP_CLOSED_MS || i < closed.length - INBOX_MAX_CLOSED)
    for (const r of drop) {
      this.records.delete(r.task.id)
      await this.c.datastore.delete(new Key(INBOX_PREFIX + r.task.id))
    }
  }

  private emit (change: InboxChange): void {
    for (const listener of this.listeners) {
      // One listener failing (a watcher that went away) must not keep the change from the others.
      try { listener(change) } catch (err) { this.c.log.debug({ err }, 'an inbox listener threw') }
    }
  }
}

function checkSize (message: Message): void {
  const bytes = Buffer.byteLength(JSON.stringify(Message.toJSON(message)))
  if (bytes > INBOX_MAX_MESSAGE_BYTES) throw new RangeError(`the message is ${bytes} bytes; this inbox accepts at most ${INBOX_MAX_MESSAGE_BYTES}`)
}

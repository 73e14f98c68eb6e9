// The inbox backend (`a2a.inbox`): inbound A2A calls are answered from the Inbox instead of an
// agent. An A2ARequestHandler behind the SDK's JSON-RPC transport handler, so the wire format and
// the A2A errors are exactly the SDK's; the caller's PeerId is the user, so tasks are per caller.
import { AgentCard, type Message, type StreamResponse, type Task } from '@a2a-js/sdk'
import { ServerCallContext, type A2ARequestHandler } from '@a2a-js/sdk/server'
import {
  A2AError, PushNotificationNotSupportedError, RequestMalformedError, TaskNotCancelableError, TaskNotFoundError, UnsupportedOperationError
} from '@a2a-js/sdk/errors'
import type { A2ABackend } from './backend.ts'
import type { CardJson } from './card.ts'
import { sdkDispatch } from './local-backend.ts'
import { Inbox, InboxFullError, isSettled, type InboxChange, type InboxRecord } from './inbox.ts'
import { InboxTaskClosedError, InboxTaskNotFoundError } from './inbox-errors.ts'

/**
 * Longest a blocking SendMessage waits for the local consumer, in ms. A2A says a blocking call waits
 * for a terminal or interrupted state, but a person or a model may take minutes: past this the call
 * returns the task as it stands (submitted or working) and the caller fetches the answer later
 * (`tasks get`), instead of timing out and losing the task id.
 */
export const INBOX_BLOCKING_WAIT_MS = 20_000

/** JSON-RPC error code of a full inbox: implementation-defined (-32000), as A2A defines no quota error. */
export const INBOX_FULL_CODE = -32000

/** A full inbox, as the SDK's transport handler serialises A2A errors. */
class InboxFullRpcError extends A2AError {
  readonly transport = 'jsonrpc'
  readonly envelopeCode = INBOX_FULL_CODE
  override reason = 'RESOURCE_EXHAUSTED'
}

export function inboxCard (name: string): CardJson {
  return {
    name,
    description: 'Tasks sent here wait in an inbox until this node\'s agent (a person or an LLM) answers them; a call returns the task at once or within 20 s, and `tasks get` shows the answer later.',
    version: '1.0.0',
    supportedInterfaces: [],
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: [{ id: 'inbox', name: 'Inbox', description: 'Any request in text or JSON, answered by the agent behind this node when it reads its inbox', tags: ['inbox', 'async'], examples: ['please review this design: …'] }]
  }
}

/** Map the inbox's own errors to the A2A errors a remote caller gets. */
function toA2A (err: unknown, method: 'send' | 'cancel' | 'get'): unknown {
  if (err instanceof InboxFullError) return new InboxFullRpcError({ message: err.message, metadata: { scope: err.scope, limit: String(err.limit) } })
  if (err instanceof InboxTaskNotFoundError) return new TaskNotFoundError(err.message)
  if (err instanceof InboxTaskClosedError) return method === 'cancel' ? new TaskNotCancelableError(err.message) : new UnsupportedOperationError(err.message)
  if (err instanceof RangeError) return new RequestMalformedError(err.message)
  return err
}

const snapshot = (task: Task): Task => structuredClone(task)
const taskEvent = (task: Task): StreamResponse => ({ payload: { $case: 'task', value: snapshot(task) } })

function changeEvent (change: InboxChange): StreamResponse | undefined {
  const t = change.record.task
  if (change.kind === 'artifact') return { payload: { $case: 'artifactUpdate', value: { taskId: t.id, contextId: t.contextId, artifact: change.artifact, append: false, lastChunk: true, metadata: undefined } } }
  if (change.kind === 'status' || change.kind === 'message') return { payload: { $case: 'statusUpdate', value: { taskId: t.id, contextId: t.contextId, status: structuredClone(t.status), metadata: undefined } } }
  return undefined
}

class InboxRequestHandler implements A2ARequestHandler {
  private readonly inbox: Inbox
  private readonly card: AgentCard
  /** The call's abort signal, by context: the SDK's context has no place for it. */
  readonly signals = new WeakMap<ServerCallContext, AbortSignal>()

  constructor (inbox: Inbox, card: AgentCard) {
    this.inbox = inbox
    this.card = card
  }

  private caller (context: ServerCallContext): string { return context.user?.userName ?? '' }

  async getAgentCard (): Promise<AgentCard> { return this.card }
  async getAuthenticatedExtendedAgentCard (): Promise<AgentCard> { throw new UnsupportedOperationError('this inbox has no extended card') }

  /** New task, or a follow-up on one of the caller's open tasks. */
  private async accept (params: { message?: Message | undefined }, context: ServerCallContext): Promise<InboxRecord> {
    const message = params.message
    if (message == null || message.messageId === '') throw new RequestMalformedError('message.messageId is required')
    if (message.parts.length === 0) throw new RequestMalformedError('the message has no parts')
    try {
      return message.taskId !== ''
        ? await this.inbox.continueTask(this.caller(context), message.taskId, message)
        : await this.inbox.submit(this.caller(context), message)
    } catch (err) {
      throw toA2A(err, 'send')
    }
  }

  async sendMessage (params: Params<'sendMessage'>, context: ServerCallContext): Promise<Task> {
    const record = await this.accept(params, context)
    if (params.configuration?.returnImmediately !== true) {
      await this.inbox.waitSettled(record.task.id, INBOX_BLOCKING_WAIT_MS, this.signals.get(context))
    }
    return snapshot(record.task)
  }

  async * sendMessageStream (params: Params<'sendMessageStream'>, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    const record = await this.accept(params, context)
    yield * this.follow(record, context)
  }

  async * resubscribe (params: Params<'resubscribe'>, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    let record: InboxRecord
    try {
      record = this.inbox.ownRecord(this.caller(context), params.id)
    } catch (err) {
      throw toA2A(err, 'get')
    }
    yield * this.follow(record, context)
  }

  /** The task now, then each change until it settles or the call ends. */
  private async * follow (record: InboxRecord, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    const queue: StreamResponse[] = []
    let wake: (() => void) | undefined
    let settled = isSettled(record.task)
    const off = this.inbox.onChange(change => {
      if (change.record !== record) return
      const event = changeEvent(change)
      if (event != null) queue.push(event)
      if (isSettled(record.task) && change.kind === 'status') settled = true
      wake?.()
    })
    const signal = this.signals.get(context)
    const onAbort = (): void => wake?.()
    signal?.addEventListener('abort', onAbort)
    try {
      yield taskEvent(record.task)
      while (signal?.aborted !== true) {
        const next = queue.shift()
        if (next != null) { yield next; continue }
        if (settled) return
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
      }
    } finally {
      off()
      signal?.removeEventListener('abort', onAbort)
    }
  }

  async getTask (params: Params<'getTask'>, context: ServerCallContext): Promise<Task> {
    try {
      const task = snapshot(this.inbox.ownRecord(this.caller(context), params.id).task)
      if (typeof params.historyLength === 'number') task.history = params.historyLength <= 0 ? [] : task.history.slice(-params.historyLength)
      return task
    } catch (err) {
      throw toA2A(err, 'get')
    }
  }

  async cancelTask (params: Params<'cancelTask'>, context: ServerCallContext): Promise<Task> {
    try {
      return snapshot((await this.inbox.cancel(this.caller(context), params.id)).task)
    } catch (err) {
      throw toA2A(err, 'cancel')
    }
  }

  async listTasks (params: Params<'listTasks'>, context: ServerCallContext): ReturnType<A2ARequestHandler['listTasks']> {
    const all = this.inbox.ownTasks(this.caller(context)).filter(r => params.contextId === '' || params.contextId == null || r.task.contextId === params.contextId)
    const size = Math.min(Math.max(Number(params.pageSize ?? 50) || 50, 1), 100)
    const start = Number.parseInt(params.pageToken ?? '', 10) || 0
    const page = all.slice(start, start + size)
    return { tasks: page.map(r => snapshot(r.task)), nextPageToken: start + size < all.length ? String(start + size) : '', pageSize: size, totalSize: all.length }
  }

  async createTaskPushNotificationConfig (): Promise<never> { throw new PushNotificationNotSupportedError() }
  async getTaskPushNotificationConfig (): Promise<never> { throw new PushNotificationNotSupportedError() }
  async listTaskPushNotificationConfigs (): Promise<never> { throw new PushNotificationNotSupportedError() }
  async deleteTaskPushNotificationConfig (): Promise<never> { throw new PushNotificationNotSupportedError() }
}

/** The SDK's parameter type for one request-handler method. */
type Params<M extends keyof A2ARequestHandler> = A2ARequestHandler[M] extends (params: infer P, context: ServerCallContext) => unknown ? P : never

export function inboxBackend (inbox: Inbox, card: CardJson, withInterface: (card: CardJson) => CardJson): A2ABackend {
  const internalCard = AgentCard.fromJSON(withInterface(card))
  const handler = new InboxRequestHandler(inbox, internalCard)
  // The call's signal, found again by the handler from the SDK's context (to stop waiting when the caller goes).
  return { card: async () => card, handle: sdkDispatch(internalCard, handler, (context, info) => { handler.signals.set(context, info.signal) }) }
}

// A small agent for the quickstart, the demo and the tests. It "summarises" text: it answers with
// the first sentence and a word count, streaming submitted → working → artifact → completed. A
// message containing "slow" takes a few seconds (so cancellation can be seen); "fail" fails the
// task; "ping" is answered with a direct message and no task.
import { randomUUID } from 'node:crypto'
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server'
import { Role, TaskState, type Message, type Part } from '@a2a-js/sdk'
import type { CardJson } from './card.ts'

/** How long a "slow" request works before answering, in ms. */
const SLOW_STEP_MS = 500
const SLOW_STEPS = 10

export function exampleAgentCard (name = 'agentwire example agent'): CardJson {
  return {
    name,
    description: 'Summarises text: first sentence and word count. Say "slow" to take a few seconds, "fail" to see a failed task.',
    version: '1.0.0',
    supportedInterfaces: [],
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'summarise', name: 'Summarise', description: 'First sentence and word count of a text', tags: ['text', 'summary'], examples: ['summarise this: …'] }]
  }
}

function textOf (message: Message): string {
  return message.parts.map(p => (p.content?.$case === 'text' ? p.content.value : p.content?.$case === 'data' ? JSON.stringify(p.content.value) : '')).join(' ').trim()
}

export function summarise (text: string): string {
  const words = text.split(/\s+/).filter(w => w !== '').length
  const first = text.split(/(?<=[.!?])\s/)[0] ?? ''
  return `Summary (${words} word${words === 1 ? '' : 's'}): ${first.length > 200 ? `${first.slice(0, 200)}…` : first}`
}

function textPart (value: string): Part {
  return { content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: 'text/plain' }
}

export class ExampleAgentExecutor implements AgentExecutor {
  private readonly canceled = new Set<string>()

  cancelTask = async (taskId: string): Promise<void> => {
    this.canceled.add(taskId)
  }

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId, userMessage } = ctx
    const text = textOf(userMessage)
    const status = (state: TaskState, message?: string): void => {
      bus.publish(AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          timestamp: new Date().toISOString(),
          message: message != null ? { role: Role.ROLE_AGENT, messageId: randomUUID(), parts: [textPart(message)], taskId, contextId, extensions: [], metadata: {}, referenceTaskIds: [] } : undefined
        },
        metadata: undefined
      }))
    }
    // "ping" gets a direct message, no task: the shape A2A allows for quick answers.
    if (ctx.task == null && /^ping\b/i.test(text)) {
      bus.publish(AgentEvent.message({ role: Role.ROLE_AGENT, messageId: randomUUID(), parts: [textPart('pong')], contextId, taskId: '', extensions: [], metadata: {}, referenceTaskIds: [] }))
      return
    }
    try {
      if (ctx.task == null) {
        bus.publish(AgentEvent.task({ id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: new Date().toISOString(), message: undefined }, artifacts: [], history: [userMessage], metadata: undefined }))
      }
      status(TaskState.TASK_STATE_WORKING, 'reading')
      if (/\bslow\b/i.test(text)) {
        for (let i = 0; i < SLOW_STEPS; i++) {
          if (this.canceled.has(taskId)) { status(TaskState.TASK_STATE_CANCELED); return }
          await new Promise(resolve => setTimeout(resolve, SLOW_STEP_MS))
        }
      }
      if (this.canceled.has(taskId)) { status(TaskState.TASK_STATE_CANCELED); return }
      if (/\bfail\b/i.test(text)) { status(TaskState.TASK_STATE_FAILED, 'asked to fail'); return }
      bus.publish(AgentEvent.artifactUpdate({
        taskId, contextId, append: false, lastChunk: true, metadata: undefined,
        artifact: { artifactId: randomUUID(), name: 'summary', description: 'the summary', parts: [textPart(summarise(text))], metadata: undefined, extensions: [] }
      }))
      status(TaskState.TASK_STATE_COMPLETED)
    } finally {
      this.canceled.delete(taskId)
    }
  }
}

// An agent embedded as a library: a node named `research-agent` whose inbound A2A tasks are
// answered in this process by an AgentExecutor (the official @a2a-js/sdk interface). It prints one
// JSON line when it is up, then serves until Ctrl-C.
//
//   node examples/embedded-agent.ts --data-dir ./.data/agent --port 4101 [--name research-agent] [--approve <PeerId>…]
//
// `--approve` lists callers this operator trusts up front (the config's `trust.autoApprove`); any
// other caller must ask with `trust request` and wait for a human `trust approve`.
import { parseArgs } from 'node:util'
import { randomUUID } from 'node:crypto'
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server'
import { TaskState } from '@a2a-js/sdk'
import { createAgentNode, type CardJson } from 'agentwire'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: './.data/research-agent' },
    name: { type: 'string', default: 'research-agent' },
    port: { type: 'string', default: '0' },
    approve: { type: 'string', multiple: true, default: [] }
  }
})

/** The agent itself: it answers every task with the text it was given, upper-cased. */
class ShoutingAgent implements AgentExecutor {
  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId, userMessage } = ctx
    const text = userMessage.parts.map(p => (p.content?.$case === 'text' ? p.content.value : '')).join(' ')
    const now = (): string => new Date().toISOString()
    bus.publish(AgentEvent.task({ id: taskId, contextId, status: { state: TaskState.TASK_STATE_WORKING, timestamp: now(), message: undefined }, artifacts: [], history: [userMessage], metadata: undefined }))
    bus.publish(AgentEvent.artifactUpdate({
      taskId, contextId, append: false, lastChunk: true, metadata: undefined,
      artifact: { artifactId: randomUUID(), name: 'answer', description: '', parts: [{ content: { $case: 'text', value: text.toUpperCase() }, metadata: undefined, filename: '', mediaType: 'text/plain' }], metadata: undefined, extensions: [] }
    }))
    bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state: TaskState.TASK_STATE_COMPLETED, timestamp: now(), message: undefined }, metadata: undefined }))
  }

  cancelTask = async (): Promise<void> => {} // every task finishes at once: nothing to cancel
}

/** What other agents see before they call: the node adds its libp2p interface and signs it. */
const card: CardJson = {
  name: values.name,
  description: 'Answers every task with its text upper-cased (an agentwire library example).',
  version: '1.0.0',
  capabilities: { streaming: true },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{ id: 'shout', name: 'Shout', description: 'Upper-cases the text', tags: ['text'], examples: ['hello'] }]
}

const node = await createAgentNode({
  dataDir: values['data-dir'],
  name: values.name,
  listen: [`/ip4/127.0.0.1/tcp/${values.port}`],
  trust: { autoApprove: values.approve }
}, { executor: new ShoutingAgent(), card })
await node.start()
console.log(JSON.stringify({ event: 'ready', peerId: node.peerId.toString(), addresses: node.addresses() }))

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void node.stop().then(() => process.exit(0)) })
}

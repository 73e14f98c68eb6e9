// A caller that reaches an agent by name over libp2p with the official A2A SDK client: join the
// network, ask for trust, fetch the agent's signed card, send one task, print the answer.
//
//   node examples/call-by-name.ts --data-dir ./.data/caller --bootstrap /ip4/127.0.0.1/tcp/4101/p2p/12D3KooW… [--name research-agent] "some text"
import { parseArgs } from 'node:util'
import { randomUUID } from 'node:crypto'
import { AgentCard, Role, TaskState } from '@a2a-js/sdk'
import { ClientFactory } from '@a2a-js/sdk/client'
import { createAgentNode, waitFor } from 'agentwire'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string', default: './.data/caller' },
    bootstrap: { type: 'string', multiple: true, default: [] },
    name: { type: 'string', default: 'research-agent' }
  }
})
const text = positionals.join(' ') || 'hello from the caller'

const node = await createAgentNode({ dataDir: values['data-dir'], listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: values.bootstrap })
try {
  await node.start()
  await node.ready() // connected to a bootstrap peer and the DHT: names resolve from here on

  // Trust is asked once and kept; the agent's operator approves (here: it approved us up front).
  await node.trust.request(values.name, 'library example')
  const agent = await node.resolve(values.name)
  await waitFor(`${values.name} to approve us`, () => node.trust.isAllowed(agent.peerId), 60_000, 200)

  const { card } = await node.a2a.caller.card(values.name) // signed by the agent's key, checked here
  const client = await new ClientFactory({ transports: [node.a2a.caller.transportFactory()] })
    .createFromAgentCard(AgentCard.fromJSON(card))
  const result = await client.sendMessage({
    message: { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }], contextId: '', taskId: '', extensions: [], metadata: {}, referenceTaskIds: [] },
    configuration: undefined,
    metadata: undefined,
    tenant: ''
  })
  // The SDK answers with a Task (this agent always makes one) or a direct Message.
  const task = 'artifacts' in result ? result : undefined
  const answer = task?.artifacts.flatMap(a => a.parts).map(p => (p.content?.$case === 'text' ? p.content.value : '')).join('')
  console.log(JSON.stringify({ event: 'answer', agent: agent.peerId, state: task?.status != null ? TaskState[task.status.state] : 'no task', text: answer }))
} finally {
  await node.stop()
}

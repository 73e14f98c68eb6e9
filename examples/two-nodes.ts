// Two agents in one process, start to answer: the agent runs the built-in example executor, the
// caller joins through it, asks for trust by name, is approved, and sends a task.
//
//   node examples/two-nodes.ts [DATA_DIR]
import { createAgentNode, ExampleAgentExecutor, exampleAgentCard, waitFor } from 'agentwire'

const dataDir = process.argv[2] ?? './.data/two-nodes'

const agent = await createAgentNode(
  { dataDir: `${dataDir}/agent`, name: 'research-agent', listen: ['/ip4/127.0.0.1/tcp/0'] },
  { executor: new ExampleAgentExecutor(), card: exampleAgentCard('research agent') })
await agent.start()

const caller = await createAgentNode({ dataDir: `${dataDir}/caller`, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [agent.addresses()[0]] })
await caller.start()
await caller.ready() // joined the network: `research-agent` resolves from here on

await caller.trust.request('research-agent', 'README example')
await agent.trust.approve(caller.peerId.toString()) // the agent's operator says yes (`agentwire trust approve`)
await waitFor('the approval to reach the caller', () => caller.trust.isAllowed(agent.peerId.toString()))

const { result } = await caller.a2a.send('research-agent', 'Summarise this. It is short.')
console.log(JSON.stringify(result))

await caller.stop()
await agent.stop()

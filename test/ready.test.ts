// node.ready(): a library user awaits it after start() so that names resolve and trust requests
// reach their peer; it fails clearly, naming what is missing, when the network cannot be joined.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'
import { LOCALHOST_LIMITS } from './helpers/testnet.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

const nodes: AgentNode[] = []
let silent: Server | undefined

after(async () => {
  await Promise.allSettled(nodes.map(async n => { await n.stop() }))
  silent?.close()
  await removeTempDirs()
})

async function node (config: Record<string, unknown> = {}): Promise<AgentNode> {
  const n = await createAgentNode({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS, ...config })
  nodes.push(n)
  await n.start()
  return n
}

test('the first node of a network (no bootstrap peers) is ready at once', async () => {
  const first = await node({ name: 'first-node' })
  await first.ready({ timeoutMs: 1 })
})

test('a named node joining through a bootstrap peer is ready once its name is stored, and then resolvable by name', async () => {
  const hub = await node()
  const joiner = await node({ name: 'joiner', bootstrap: [hub.addresses()[0]] })
  await joiner.ready()
  assert.ok(joiner.naming.lastPublished!.peersReached > 0)
  const third = await node({ bootstrap: [hub.addresses()[0]] })
  await third.ready()
  // Right after ready(), without polling: the name resolves.
  assert.equal((await third.resolve('joiner')).peerId, joiner.peerId.toString())
})

test('a node whose bootstrap peer never answers fails ready() with NETWORK_NOT_JOINED, naming what is missing', async () => {
  // A TCP port that accepts and says nothing: the dial hangs, as with a firewalled host.
  silent = createServer(() => {})
  await new Promise<void>(resolve => silent!.listen(0, '127.0.0.1', resolve))
  const port = (silent.address() as { port: number }).port
  const orphan = await node({ name: 'orphan', bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/12D3KooWRDFdCSKxbcBA4zGHCH3rQ4vLHu6kZZVfMVWgYsfFwe9F`], limits: { ...LOCALHOST_LIMITS, dialTimeoutMs: 500 } })
  await assert.rejects(orphan.ready({ timeoutMs: 1500 }), (err: any) => {
    assert.equal(err.code, 'NETWORK_NOT_JOINED')
    assert.match(err.message, /no bootstrap peer connected \(0 of 1\)/)
    assert.match(err.message, /the name "orphan" is not stored on any DHT peer yet/)
    assert.match(err.hint, /bootstrap peers/)
    return true
  })
  const aborted = new AbortController()
  aborted.abort(new Error('caller gave up'))
  await assert.rejects(orphan.ready({ signal: aborted.signal }), /caller gave up/)
})

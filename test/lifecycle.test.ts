// Starting and stopping a node: a part that fails to start leaves nothing running, a second start()
// is the same start, and stop() releases the data dir either way.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createAgentNode } from '../src/agent-node.ts'
import { readAuditEntries } from '../src/audit/index.ts'
import { LOCALHOST_LIMITS } from './helpers/testnet.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(async () => { await removeTempDirs() })

test('a part that fails to start stops every part that had started, and the data dir can be opened again', async (t) => {
  // The metrics endpoint starts after libp2p: hold its port so it fails there.
  const blocker = createServer()
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => { blocker.close() })
  const port = (blocker.address() as { port: number }).port
  const dataDir = await tempDir()
  const node = await createAgentNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS, metrics: { listen: `127.0.0.1:${port}` } })
  await assert.rejects(node.start(), /EADDRINUSE|address already in use/i)
  assert.equal(node.libp2p.status, 'stopped', 'libp2p, started before the failing part, was stopped again')
  assert.equal(node.libp2p.getConnections().length, 0)
  await node.stop()
  // The lock is released: the same data dir opens and starts.
  const again = await createAgentNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS })
  t.after(async () => { await again.stop() })
  await again.start()
  assert.equal(again.libp2p.status, 'started')
})

test('start() twice at once is one start, and stop() twice is one stop', async () => {
  const dataDir = await tempDir()
  const node = await createAgentNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS })
  await Promise.all([node.start(), node.start()])
  await node.start()
  await Promise.all([node.stop(), node.stop()])
  const starts = (await readAuditEntries(dataDir)).filter(e => e.event === 'node.start')
  assert.equal(starts.length, 1, 'one node.start line: the services were started once')
  await assert.rejects(node.start(), /was stopped/, 'a stopped node says so instead of half-starting on a closed store')
})

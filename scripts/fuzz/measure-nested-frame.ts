// Measure a daemon's RSS before and after one trusted caller sends a 3.6 MiB deeply nested A2A
// request (issue #16 item 10): `node scripts/fuzz/measure-nested-frame.ts`. Prints RSS in MB.
import { readFile } from 'node:fs/promises'
import { startDaemon, writeConfig, cliJson } from '../../test/helpers/daemon.ts'
import { removeTempDirs, tempDir } from '../../test/helpers/tmp.ts'
import { createAgentNode } from '../../src/agent-node.ts'
import { jsonStream } from '../../src/node/json-stream.ts'
import { anyFrameSchema } from '../../src/node/frames.ts'
import { signEnvelope, A2A_PROTOCOL } from '../../src/a2a/index.ts'
import { LOCALHOST_LIMITS } from '../../test/helpers/testnet.ts'
import { peerIdFromString } from '@libp2p/peer-id'

const rssMb = async (pid: number): Promise<number> => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const victim = await startDaemon(await writeConfig({ a2a: { exampleAgent: true } }))
const caller = await createAgentNode({ dataDir: await tempDir('awm-'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS })
try {
  await caller.start()
  await caller.connect(victim.addresses[0])
  await caller.trust.request(victim.peerId, 'measure')
  await cliJson(['trust', 'approve', caller.peerId.toString(), '--config', victim.configPath])
  await new Promise(resolve => setTimeout(resolve, 2000))
  const before = await rssMb(victim.process.pid!)
  const body = '['.repeat(1_800_000) + ']'.repeat(1_800_000)
  let peak = before
  const sampler = setInterval(() => { void rssMb(victim.process.pid!).then(r => { peak = Math.max(peak, r) }) }, 20)
  for (let i = 0; i < 3; i++) {
    const stream = await caller.libp2p.dialProtocol(peerIdFromString(victim.peerId), A2A_PROTOCOL)
    const framed = jsonStream(stream, { maxBytes: 8 * 1024 * 1024, readTimeoutMs: 60_000 })
    await framed.write({ envelope: await signEnvelope(caller.key, caller.peerId.toString(), victim.peerId, body), body })
    const reply: any = await framed.read(anyFrameSchema)
    await stream.close().catch(() => {})
    process.stdout.write(`answer ${i + 1}: ${JSON.stringify(reply).slice(0, 120)}\n`)
  }
  await new Promise(resolve => setTimeout(resolve, 500))
  clearInterval(sampler)
  process.stdout.write(`victim RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak while answering three 3.6 MiB nested requests, ${(await rssMb(victim.process.pid!)).toFixed(0)} MB after\n`)
} finally {
  await caller.stop()
  await victim.stop()
  await removeTempDirs()
}

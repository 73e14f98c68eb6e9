// What an operator sees: Prometheus metrics, `health` exit codes, `status`.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { startDaemon, writeConfig, runCli, cliJson, type Daemon } from './helpers/daemon.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'
import { assessHealth } from '../src/metrics/index.ts'

const running: Daemon[] = []
after(async () => {
  await Promise.all(running.map(d => d.stop()))
  await removeTempDirs()
})

async function freePort (): Promise<number> {
  return await new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as any).port
      s.close(() => resolve(port))
    })
  })
}

test('metrics.listen serves libp2p\'s and agentwire\'s metrics, counting gate refusals', async () => {
  const port = await freePort()
  const a = await startDaemon(await writeConfig({ metrics: { listen: `127.0.0.1:${port}` }, a2a: { exampleAgent: true } }))
  const b = await startDaemon(await writeConfig({}))
  running.push(a, b)
  const info = await cliJson(['info', '--config', a.configPath])
  assert.equal(info.metrics, `http://127.0.0.1:${port}/metrics`)
  // An untrusted call is refused by a's gate and must show up in the metrics.
  await cliJson(['connect', a.addresses[0], '--config', b.configPath])
  const refused = await cliJson(['send', a.peerId, 'hello', '--config', b.configPath])
  assert.equal(refused.error.code, 'NOT_TRUSTED')
  const text = await (await fetch(info.metrics)).text()
  assert.match(text, /^agentwire_gate_total\{decision="refused"\} 1$/m)
  assert.match(text, /^agentwire_rejections_total\{reason="NOT_TRUSTED"\} 1$/m)
  assert.match(text, /^agentwire_connections\{path="direct"\} 1$/m)
  assert.match(text, /^libp2p_/m, 'libp2p\'s own metrics are there too')
  assert.match(text, /^agentwire_dht_/m, 'and the DHT\'s')
  const status = await cliJson(['status', '--config', a.configPath])
  assert.equal(status.gate.refused, 1)
  assert.equal(status.recentRefusals[0].peer, b.peerId)
  assert.equal(status.peers.direct, 1)
  const human = await runCli(['status', '--once', '--config', a.configPath])
  assert.match(human.stdout, /gate\s+\d+ accepted, 1 refused/)
  assert.match(human.stdout, /recent refusals:\n\s+\S+\s+gate\.refused/)
})

test('health exits 0 when healthy, 1 when degraded, 2 when not running, and says why', async () => {
  const lone = await startDaemon(await writeConfig({}))
  running.push(lone)
  const ok = await runCli(['health', '--config', lone.configPath])
  assert.equal(ok.code, 0, ok.stdout)
  assert.match(ok.stdout, /^health: ok/)
  const json = await runCli(['health', '--json', '--config', lone.configPath])
  assert.equal(JSON.parse(json.stdout).exitCode, 0)

  const dir = await tempDir()
  const down = await runCli(['health', '--data-dir', dir])
  assert.equal(down.code, 2)
  assert.match(down.stdout, /health: unhealthy\n\s+FAIL\s+daemon\s+no agentwire daemon is running/)

  // Degraded: the logic, with a bootstrap peer that has been unreachable past the start-up grace.
  const degraded = assessHealth({ addresses: 1, connections: 0, bootstrapConfigured: 1, bootstrapConnected: 0, dhtMode: 'server', routingTable: 0, namePublishedTo: null, uptimeSeconds: 120, relaysWanted: 0, relaysHeld: 0, pendingTrustRequests: 0, quarantined: 0 })
  assert.equal(degraded.exitCode, 1)
  assert.match(degraded.checks.find(c => c.name === 'bootstrap')!.detail, /0\/1 bootstrap peers connected/)
  const dead = assessHealth({ addresses: 0, connections: 0, bootstrapConfigured: 0, bootstrapConnected: 0, dhtMode: 'server', routingTable: 0, namePublishedTo: null, uptimeSeconds: 120, relaysWanted: 0, relaysHeld: 0, pendingTrustRequests: 0, quarantined: 0 })
  assert.equal(dead.exitCode, 2)
})

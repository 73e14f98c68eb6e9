// Reputation through the CLI against real daemons: rate, reputation, and watch showing reports
// published by other nodes.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { startDaemon, writeConfig, cliJson, CLI, type Daemon } from './helpers/daemon.ts'
import { waitFor } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'

const running: Daemon[] = []
after(async () => {
  await Promise.all(running.map(d => d.stop()))
  await removeTempDirs()
})

test('rate publishes a report that `reputation watch` on another node prints; reputation shows the view', async () => {
  const subject = await startDaemon(await writeConfig({}))
  const rater = await startDaemon(await writeConfig({ reputation: { publishIntervalMs: 100 } }))
  const watcher = await startDaemon(await writeConfig({}))
  running.push(subject, rater, watcher)
  for (const d of [rater, watcher]) await cliJson(['connect', subject.addresses[0], '--config', d.configPath])
  await cliJson(['connect', rater.addresses[0], '--config', watcher.configPath])

  const watch = spawn(process.execPath, [CLI, 'reputation', 'watch', '--json', '--config', watcher.configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  watch.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  try {
    // GossipSub needs a moment to graft the mesh; rate until a report reaches the watcher.
    const seen = await waitFor('a report from the rater to reach the watcher', async () => {
      await cliJson(['rate', subject.peerId, 'invalid', '--note', 'schema check failed', '--config', rater.configPath])
      return out.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l)).find((e: any) => e.type === 'report' && e.report.issuer === rater.peerId)
    }, 30_000, 500)
    assert.equal(seen.report.subject, subject.peerId)
    assert.ok(seen.report.negative > 0)
  } finally {
    watch.kill('SIGINT')
  }

  const view = await cliJson(['reputation', subject.peerId, '--config', rater.configPath])
  for (const key of ['peerId', 'score', 'state', 'evidence', 'reporters']) assert.ok(key in view, key)
  assert.equal(view.peerId, subject.peerId)
  assert.ok(['refuse', 'quarantined', 'throttle'].includes(view.state), view.state)
  const list = await cliJson(['reputation', '--config', rater.configPath])
  assert.ok(list.some((v: any) => v.peerId === subject.peerId))
  const bad = await cliJson(['rate', subject.peerId, 'meh', '--config', rater.configPath])
  assert.equal(bad.error.code, 'UNKNOWN_OUTCOME')
})

// The daemon and CLI as a user runs them: child processes, the real control socket, real TCP.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { startDaemon, writeConfig, runCli, cliJson, type Daemon } from './helpers/daemon.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

const running: Daemon[] = []
after(async () => {
  await Promise.all(running.map(d => d.stop()))
  await removeTempDirs()
})

async function daemon (config: Record<string, unknown> = {}): Promise<Daemon> {
  const d = await startDaemon(await writeConfig(config))
  running.push(d)
  return d
}

test('a daemon answers `info --json` with its PeerId, addresses and version', async () => {
  const d = await daemon({ name: 'info-node' })
  const info = await cliJson(['info', '--config', d.configPath])
  assert.equal(info.peerId, d.peerId)
  assert.equal(info.name, 'info-node')
  assert.ok(info.addresses.length > 0)
  for (const a of info.addresses) assert.ok(a.endsWith(`/p2p/${d.peerId}`), a)
  assert.equal(typeof info.connections, 'number')
  assert.equal(typeof info.uptimeSeconds, 'number')
  assert.match(info.version, /^\d+\.\d+\.\d+/)
  const human = await runCli(['info', '--data-dir', d.dataDir])
  assert.equal(human.code, 0)
  assert.match(human.stdout, new RegExp(`peerId:\\s+${d.peerId}`))
})

test('two daemons connect and ping; peers --json shows the connection as direct', async () => {
  const a = await daemon()
  const b = await daemon()
  const connected = await cliJson(['connect', a.addresses[0], '--config', b.configPath])
  assert.equal(connected.peerId, a.peerId, JSON.stringify(connected))
  assert.equal(connected.direct, true)

  const pong = await cliJson(['ping', a.peerId, '--config', b.configPath])
  assert.equal(pong.peerId, a.peerId)
  assert.equal(typeof pong.rttMs, 'number')

  const peers = await cliJson(['peers', '--config', b.configPath])
  const entry = peers.find((p: any) => p.peerId === a.peerId)
  assert.ok(entry, 'a is among b\'s peers')
  assert.equal(entry.direct, true)
  assert.ok(Array.isArray(entry.addresses) && entry.addresses.length > 0)
  assert.ok(entry.latencyMs === null || typeof entry.latencyMs === 'number')

  const gone = await cliJson(['disconnect', a.peerId, '--config', b.configPath])
  assert.equal(gone.peerId, a.peerId)
  assert.ok(gone.closed >= 1)
  // (Not asserting that a stays absent from `peers`: the DHT may legitimately dial it again.)
  const again = await cliJson(['disconnect', 'Not A Target!', '--config', b.configPath])
  assert.equal(again.error.code, 'INVALID_TARGET')
})

test('a restart on a different port keeps the PeerId', async () => {
  const configPath = await writeConfig({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const first = await startDaemon(configPath)
  assert.equal(await first.stop(), 0)
  const second = await startDaemon(configPath)
  running.push(second)
  assert.equal(second.peerId, first.peerId)
  assert.notDeepEqual(second.addresses, first.addresses)
})

test('a second daemon on the same data directory is refused, and the lock is freed by a crash', async () => {
  const configPath = await writeConfig({})
  const first = await startDaemon(configPath)
  const r = await runCli(['start', '--config', configPath])
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /error: another agentwire daemon \(pid \d+\) is already using/)
  assert.match(r.stderr, /hint: stop it first/)
  // The first daemon is unharmed by the refused attempt.
  assert.equal((await cliJson(['info', '--config', configPath])).peerId, first.peerId)
  // SIGKILL leaves no stale lock behind.
  first.process.kill('SIGKILL')
  await first.exited
  const again = await startDaemon(configPath)
  running.push(again)
  assert.equal(again.peerId, first.peerId)
})

test('the control socket is owner-only and nothing but a socket', async () => {
  const d = await daemon()
  const s = await stat(join(d.dataDir, 'control.sock'))
  assert.ok(s.isSocket())
  assert.equal(s.mode & 0o777, 0o600)
})

test('with no daemon running the CLI says so and how to start one', async () => {
  const dir = await tempDir()
  const human = await runCli(['info', '--data-dir', dir])
  assert.notEqual(human.code, 0)
  assert.match(human.stderr, /^error: no agentwire daemon is running for /m)
  assert.match(human.stderr, /^hint: start one with `agentwire start --config FILE`/m)
  const json = await runCli(['info', '--data-dir', dir, '--json'])
  assert.notEqual(json.code, 0)
  const body = JSON.parse(json.stdout)
  assert.equal(body.error.code, 'DAEMON_NOT_RUNNING')
  assert.equal(typeof body.error.message, 'string')
  assert.equal(typeof body.error.hint, 'string')
})

test('a bad target gets a clear error with a hint', async () => {
  const d = await daemon()
  const r = await cliJson(['ping', 'Not A Target!', '--config', d.configPath])
  assert.equal(r.error.code, 'INVALID_TARGET')
  assert.match(r.error.hint, /PeerId/)
})

test('`stop` and SIGTERM both stop the daemon cleanly', async () => {
  const a = await startDaemon(await writeConfig({}))
  const stopped = await cliJson(['stop', '--config', a.configPath])
  assert.equal(stopped.stopping, true)
  assert.equal(await a.exited, 0)
  const b = await startDaemon(await writeConfig({}))
  assert.equal(await b.stop(), 0)
  // The socket and pid file are gone, so the next CLI call says "not running".
  const r = await cliJson(['info', '--config', b.configPath])
  assert.equal(r.error.code, 'DAEMON_NOT_RUNNING')
})

test('`init` writes a config and a key that `start` then uses', async () => {
  const dataDir = join(await tempDir(), 'fresh')
  const init = await cliJson(['init', '--data-dir', dataDir, '--name', 'fresh-node', '--listen', '/ip4/127.0.0.1/tcp/0'])
  assert.equal(init.configPath, join(dataDir, 'config.yaml'))
  assert.match(init.peerId, /^12D3KooW/)
  const d = await startDaemon(init.configPath)
  running.push(d)
  assert.equal(d.peerId, init.peerId)
  const again = await cliJson(['init', '--data-dir', dataDir])
  assert.equal(again.error.code, 'CONFIG_EXISTS')
})

import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { validateConfig, loadConfigFile } from '../src/config/index.ts'
import { runCli } from './helpers/daemon.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(removeTempDirs)

function configError (raw: unknown): string {
  try {
    validateConfig(raw, '/tmp')
  } catch (err: any) {
    assert.equal(err.code, 'CONFIG_INVALID')
    return err.message
  }
  assert.fail('config was accepted')
}

test('a misspelled top-level key is refused, named, and the closest valid key suggested', () => {
  const message = configError({ dataDir: 'x', listne: ['/ip4/127.0.0.1/tcp/0'] })
  assert.match(message, /listne: unknown key \(did you mean "listen"\?\)/)
})

test('a misspelled nested key names its full path and suggestion', () => {
  assert.match(configError({ dataDir: 'x', dht: { mdoe: 'server' } }), /dht\.mdoe: unknown key \(did you mean "dht\.mode"\?\)/)
  assert.match(configError({ dataDir: 'x', relay: { sever: true } }), /relay\.sever: unknown key \(did you mean "relay\.server"\?\)/)
})

test('an unknown key far from any valid key lists the valid keys without a guess', () => {
  const message = configError({ dataDir: 'x', wibblewobble: 1 })
  assert.match(message, /wibblewobble: unknown key; valid keys here: name, dataDir, listen/)
})

test('a wrong type names the key', () => {
  assert.match(configError({ dataDir: 'x', limits: { maxConnections: 'lots' } }), /limits\.maxConnections: .*expected number/)
  assert.match(configError({ dataDir: 5 }), /dataDir: .*expected string/)
})

test('a missing dataDir is refused', () => {
  assert.match(configError({}), /dataDir: required but missing/)
})

test('a bad multiaddr is refused with its index and an example', () => {
  assert.match(configError({ dataDir: 'x', listen: ['/ip4/127.0.0.1/tcp/0', 'tcp:4001'] }), /listen\.1: not a valid multiaddr: "tcp:4001"/)
})

test('a bootstrap address without /p2p/ is refused', () => {
  assert.match(configError({ dataDir: 'x', bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }), /bootstrap\.0: must end in \/p2p\/<PeerId>/)
})

test('a placeholder or truncated PeerId in a bootstrap address names the key and the fix', () => {
  for (const peerId of ['12D3KooW…A', '12D3KooWAAAA', '12D3KooWRDFdCSKxbcBA4zGHCH3rQ4vLHu6kZZVfMVWgYsfFwe9']) {
    assert.match(configError({ dataDir: 'x', bootstrap: [`/ip4/127.0.0.1/tcp/4001/p2p/${peerId}`] }), new RegExp(`bootstrap\\.0: "${peerId}" after /p2p/ is not a PeerId .*agentwire info`))
  }
  assert.doesNotThrow(() => validateConfig({ dataDir: 'x', bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWRDFdCSKxbcBA4zGHCH3rQ4vLHu6kZZVfMVWgYsfFwe9F'] }, '/tmp'))
})

test('a bad enum value and a bad name are refused', () => {
  assert.match(configError({ dataDir: 'x', trust: { policy: 'everyone' } }), /trust\.policy: /)
  assert.match(configError({ dataDir: 'x', name: 'Has Spaces' }), /name: must be 1-63 characters/)
})

test('defaults fill every section, and a relative dataDir resolves against the config folder', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'node.yaml'), 'dataDir: ./state\n')
  const config = await loadConfigFile(join(dir, 'node.yaml'))
  assert.equal(config.dataDir, join(dir, 'state'))
  assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/0'])
  assert.equal(config.dht.mode, 'auto')
  assert.equal(config.trust.policy, 'mutual')
  assert.equal(config.relay.server, false)
  assert.equal(config.metrics.listen, null)
})

test('JSON config files are accepted', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'node.json'), JSON.stringify({ dataDir: '/tmp/x', name: 'json-node' }))
  const config = await loadConfigFile(join(dir, 'node.json'))
  assert.equal(config.name, 'json-node')
})

test('invalid YAML and a missing file give clear errors', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'bad.yaml'), 'dataDir: [unclosed\n')
  await assert.rejects(loadConfigFile(join(dir, 'bad.yaml')), (err: any) => err.code === 'CONFIG_INVALID' && /not valid YAML/.test(err.message))
  await assert.rejects(loadConfigFile(join(dir, 'nope.yaml')), (err: any) => err.code === 'CONFIG_NOT_FOUND')
})

test('the shipped example configs are valid', async () => {
  for (const file of ['node.yaml', 'relay.yaml', 'bootstrap.yaml']) {
    const config = await loadConfigFile(new URL(`../config/${file}`, import.meta.url).pathname)
    assert.ok(config.dataDir.length > 0, file)
  }
})

test('`agentwire start` with a bad config exits non-zero before starting and names the key', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'node.yaml'), 'dataDir: ./state\nlistne: []\n')
  const r = await runCli(['start', '--config', join(dir, 'node.yaml')])
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /error: .*listne: unknown key \(did you mean "listen"\?\)/s)
  assert.match(r.stderr, /hint: /)
})

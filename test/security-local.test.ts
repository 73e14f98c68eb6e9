// Attacks on what the operator sees and where the node keeps its state, against real daemons through
// the real CLI: a trust request that writes escape sequences to the operator's terminal, a data
// directory other local users can read, and a `trust request <multiaddr>` that forgot the address.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { daemonsForThisFile, writeConfig, runCli, cliJson } from './helpers/daemon.ts'

const daemon = daemonsForThisFile()

// ESC, CR, BEL, a C1 CSI and a bidi override: each can redraw or reorder what a terminal shows.
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

test('a trust request whose reason carries escape sequences cannot redraw the operator\'s terminal', async () => {
  const a = await daemon(await writeConfig({}))
  const b = await daemon(await writeConfig({}))
  // Erase the line, go back to its start, and print a fake, harmless-looking entry instead.
  const fake = 'nightly reports\u001b[2K\r\u001b[1A\u001b[2K12D3KooWFakeFakeFake  since 2020-01-01\n  reason: your own laptop\u0007\u009b31m\u202e'
  await cliJson(['connect', b.addresses[0], '--config', a.configPath])
  const requested = await runCli(['trust', 'request', b.peerId, '--reason', fake, '--config', a.configPath])
  assert.equal(requested.code, 0, requested.stderr)

  const human = await runCli(['trust', 'pending', '--config', b.configPath])
  assert.equal(human.code, 0, human.stderr)
  assert.doesNotMatch(human.stdout, TERMINAL_CONTROL, 'no control character reaches the terminal')
  // What was sent is still shown, escaped, on the request's own line: nothing is hidden or lost.
  assert.match(human.stdout, /reason: nightly reports\\x1b\[2K\\x0d\\x1b\[1A\\x1b\[2K12D3KooWFakeFakeFake {2}since 2020-01-01\\x0a {2}reason: your own laptop\\x07\\x9b31m\\u202e\n/)
  assert.equal(human.stdout.split('\n').filter(l => l.startsWith('  reason:')).length, 1, 'the reason cannot start a line of its own')
  // --json keeps the exact text for programs.
  const json = await cliJson(['trust', 'pending', '--config', b.configPath])
  assert.equal(json[0].reason, fake)
  // The human list and the audit log print it escaped too.
  for (const args of [['trust', 'list'], ['audit']]) {
    const out = await runCli([...args, '--config', b.configPath])
    assert.doesNotMatch(out.stdout, TERMINAL_CONTROL, `agentwire ${args.join(' ')}`)
  }
})

test('trust request <multiaddr> reaches a peer this node has never been connected to', async () => {
  // No bootstrap, no DHT entry, no earlier connection: the address given is the only way there.
  const a = await daemon(await writeConfig({}))
  const b = await daemon(await writeConfig({}))
  const peers = await cliJson(['peers', '--config', a.configPath])
  assert.equal(peers.length, 0)
  const requested = await runCli(['trust', 'request', b.addresses[0], '--reason', 'by address', '--json', '--config', a.configPath])
  assert.equal(requested.code, 0, `${requested.stdout}${requested.stderr}`)
  assert.equal(JSON.parse(requested.stdout).state, 'requested')
  const pending = await cliJson(['trust', 'pending', '--config', b.configPath])
  assert.deepEqual(pending.map((e: any) => e.peerId), [a.peerId])
  // The address is remembered: the approval travels back, and A's later answers find B again.
  const approved = await cliJson(['trust', 'approve', a.peerId, '--config', b.configPath])
  assert.equal(approved.state, 'mutual')
})

test('a data directory that others can read is refused with the chmod that fixes it', async () => {
  const configPath = await writeConfig({})
  const dataDir = join(dirname(configPath), 'data')
  // Made beforehand by the operator (or a deploy script), with the usual 0755.
  await mkdir(dataDir, { mode: 0o755 })
  await chmod(dataDir, 0o755)
  const refused = await runCli(['start', '--config', configPath])
  assert.notEqual(refused.code, 0)
  assert.match(refused.stderr, /data directory .* is open to group or others \(mode 0755\)/)
  assert.match(refused.stderr, new RegExp(`hint: run: chmod 700 ${dataDir}\n`))
  assert.equal((await stat(dataDir)).mode & 0o777, 0o755, 'left as it was: the operator decides')

  // The same check guards `init`.
  const initRefused = await runCli(['init', '--data-dir', dataDir, '--json'])
  assert.equal(JSON.parse(initRefused.stdout).error.code, 'DATA_DIR_EXPOSED')

  await chmod(dataDir, 0o700)
  const started = await daemon(configPath)
  assert.equal((await stat(started.dataDir)).mode & 0o777, 0o700)
})

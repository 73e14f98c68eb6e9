// Trust and audit through the CLI against real daemons: JSON shapes, persistence, forensics.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { daemonsForThisFile, writeConfig, runCli, cliJson } from './helpers/daemon.ts'
import { waitFor } from './helpers/testnet.ts'
import { tempDir } from './helpers/tmp.ts'

const daemon = daemonsForThisFile()

test('the handshake through the CLI, kept across a restart and a move to another folder and port', async () => {
  const a = await daemon(await writeConfig({ name: 'asker' }))
  const bConfig = await writeConfig({ name: 'approver' })
  const b = await daemon(bConfig)
  await cliJson(['connect', b.addresses[0], '--config', a.configPath])

  const requested = await cliJson(['trust', 'request', b.peerId, '--reason', 'nightly reports', '--config', a.configPath])
  assert.deepEqual(Object.keys(requested).sort(), ['mutual', 'name', 'peerId', 'reason', 'since', 'state'])
  assert.equal(requested.state, 'requested')
  assert.equal(requested.mutual, false)

  const pending = await cliJson(['trust', 'pending', '--config', b.configPath])
  assert.equal(pending.length, 1)
  assert.equal(pending[0].peerId, a.peerId)
  assert.equal(pending[0].reason, 'nightly reports')
  assert.equal(pending[0].state, 'pending')

  const human = await runCli(['trust', 'pending', '--config', b.configPath])
  assert.match(human.stdout, new RegExp(`approve: agentwire trust approve ${a.peerId}`))

  const approved = await cliJson(['trust', 'approve', a.peerId, '--config', b.configPath])
  assert.equal(approved.state, 'mutual')
  await waitFor('A to see mutual trust', async () => (await cliJson(['trust', 'list', '--config', a.configPath])).find((e: any) => e.peerId === b.peerId)?.mutual === true)

  // Restart B from a copy of its data directory on a new port: trust is keyed by PeerId.
  assert.equal(await b.stop(), 0)
  const movedDir = await tempDir()
  await cp(join(b.dataDir), join(movedDir, 'data'), { recursive: true })
  const moved = await daemon(await writeConfig({ name: 'approver' }, movedDir))
  assert.equal(moved.peerId, b.peerId)
  assert.notDeepEqual(moved.addresses, b.addresses)
  const list = await cliJson(['trust', 'list', '--config', moved.configPath])
  const entry = list.find((e: any) => e.peerId === a.peerId)
  assert.equal(entry.state, 'mutual')
  assert.equal(typeof entry.since, 'string')

  // Revoke: refused from now on, and A is told.
  await cliJson(['connect', moved.addresses[0], '--config', a.configPath])
  const revoked = await cliJson(['trust', 'revoke', a.peerId, '--config', moved.configPath])
  assert.equal(revoked.state, 'revoked')
  assert.equal(typeof revoked.connectionsClosed, 'number')
})

test('audit lists entries, filters them, and --verify detects one edited line, with the daemon stopped', async () => {
  const a = await daemon(await writeConfig({}))
  const b = await daemon(await writeConfig({}))
  await cliJson(['connect', b.addresses[0], '--config', a.configPath])
  await cliJson(['trust', 'request', b.peerId, '--reason', 'audit me', '--config', a.configPath])
  await cliJson(['trust', 'approve', a.peerId, '--config', b.configPath])
  assert.equal(await b.stop(), 0)

  const entries = await cliJson(['audit', '--config', b.configPath])
  const events = entries.map((e: any) => e.event)
  for (const expected of ['node.start', 'handshake.request.received', 'trust.approve', 'node.stop']) assert.ok(events.includes(expected), `${expected} in ${events.join(',')}`)
  for (const e of entries) assert.match(e.prev, /^[0-9a-f]{64}$/)
  const aboutA = await cliJson(['audit', '--peer', a.peerId, '--config', b.configPath])
  assert.ok(aboutA.length >= 2 && aboutA.every((e: any) => e.peer === a.peerId))
  assert.equal((await cliJson(['audit', '--limit', '1', '--config', b.configPath])).length, 1)
  assert.equal((await cliJson(['audit', '--since', '1h', '--config', b.configPath])).length, entries.length)

  const verified = await cliJson(['audit', '--verify', '--config', b.configPath])
  assert.deepEqual(verified, { ok: true, entries: entries.length })
  const human = await runCli(['audit', '--verify', '--config', b.configPath])
  assert.equal(human.code, 0)
  assert.match(human.stdout, /audit log OK: \d+ entries/)

  // Edit one line quietly: the reason of the request.
  const path = join(b.dataDir, 'audit.log')
  const text = await readFile(path, 'utf8')
  await writeFile(path, text.replace('"reason":"audit me"', '"reason":"innocent"'))
  const broken = await runCli(['audit', '--verify', '--config', b.configPath])
  assert.notEqual(broken.code, 0)
  const line = text.split('\n').findIndex(l => l.includes('"reason":"audit me"')) + 1
  assert.match(broken.stdout, new RegExp(`BROKEN at line ${line + 1}`), 'the line after the edit no longer matches')
})

test('after a reject, asking again fails with TRUST_REFUSED, and a call says asking reaches nobody', async () => {
  const a = await daemon(await writeConfig({}))
  const b = await daemon(await writeConfig({ a2a: { exampleAgent: true } }))
  await cliJson(['connect', b.addresses[0], '--config', a.configPath])
  assert.equal((await cliJson(['trust', 'request', b.peerId, '--reason', 'please', '--config', a.configPath])).state, 'requested')
  await cliJson(['trust', 'reject', a.peerId, '--config', b.configPath])
  await waitFor('A to hear of the rejection', async () => (await cliJson(['trust', 'list', '--config', a.configPath])).find((e: any) => e.peerId === b.peerId)?.state === 'refused-by-peer')

  const again = await runCli(['trust', 'request', b.peerId, '--config', a.configPath])
  assert.equal(again.code, 1, again.stdout + again.stderr)
  assert.match(again.stderr, /has rejected \(or revoked\) this node's trust/)
  assert.match(again.stderr, new RegExp(`hint: only its operator can change that, by running \`agentwire trust approve ${a.peerId}\``))
  assert.equal((await cliJson(['trust', 'request', b.peerId, '--config', a.configPath])).error.code, 'TRUST_REFUSED')

  const sent = await runCli(['send', b.peerId, 'hello anyway', '--json', '--config', a.configPath])
  assert.equal(sent.code, 1)
  const error = JSON.parse(sent.stdout).error
  assert.equal(error.code, 'NOT_TRUSTED')
  assert.match(error.message, /has rejected \(or revoked\) this node/)
  assert.doesNotMatch(error.hint, /ask for trust first/)
})

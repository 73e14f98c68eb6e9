// The end of the audit log, attacked through the real CLI against real daemons: a cut tail with the
// head deleted, and a rewrite by someone who holds the data dir (and so the key), re-chained and
// re-signed. The signed head catches the first; only the checkpoints trusted peers keep (witnesses)
// catch the second.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { daemonsForThisFile, writeConfig, runCli, cliJson } from './helpers/daemon.ts'
import { waitFor } from './helpers/testnet.ts'
import { genesisHash, signHead } from '../src/audit/index.ts'
import { readKeyFile, KEY_FILE_NAME } from '../src/identity/index.ts'

const daemon = daemonsForThisFile()

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

test('deleting audit.head and cutting the end of audit.log fails --verify, saying why', async () => {
  const a = await daemon(await writeConfig({}))
  assert.equal(await a.stop(), 0)
  const path = join(a.dataDir, 'audit.log')
  const lines = (await readFile(path, 'utf8')).trim().split('\n')
  assert.ok(lines.length >= 2)
  await writeFile(path, lines.slice(0, -1).join('\n') + '\n')
  await rm(join(a.dataDir, 'audit.head'))
  const verify = await runCli(['audit', '--verify', '--data-dir', a.dataDir])
  assert.equal(verify.code, 1)
  assert.match(verify.stdout, /audit log BROKEN .*audit\.head is missing/)
})

test('a history rewritten and re-signed with the node\'s own key is caught by its trusted peers\' checkpoints', async () => {
  const config = { trust: { witnessIntervalMs: 300 } }
  const aConfig = await writeConfig(config)
  const a = await daemon(aConfig)
  const b = await daemon(await writeConfig(config))
  await cliJson(['connect', b.addresses[0], '--config', a.configPath])
  await cliJson(['trust', 'request', b.peerId, '--reason', 'witness me', '--config', a.configPath])
  await cliJson(['trust', 'approve', a.peerId, '--config', b.configPath])

  // B keeps checkpoints of A's head; with everything intact, B agrees.
  const vouched = await waitFor('B to witness A\'s head', async () => {
    const r = await cliJson(['audit', '--verify', '--witnesses', '--config', a.configPath])
    return r.ok === true && r.witnesses?.some((w: any) => w.peer === b.peerId && w.checked > 0) ? r : undefined
  })
  assert.equal(vouched.witnesses.find((w: any) => w.peer === b.peerId).ok, true)

  // Someone holding A's data dir rewrites an early entry, re-chains every line after it and signs a
  // new head with A's key. Locally nothing can tell.
  assert.equal(await a.stop(), 0)
  const path = join(a.dataDir, 'audit.log')
  const entries = (await readFile(path, 'utf8')).trim().split('\n').map(l => JSON.parse(l))
  const target = entries.findIndex(e => e.event === 'handshake.request.sent')
  assert.ok(target >= 0)
  entries[target].reason = 'nothing to see here'
  let prev = genesisHash(a.peerId)
  const rewritten: string[] = []
  for (const e of entries) {
    const line = JSON.stringify({ ...e, prev })
    rewritten.push(line)
    prev = sha256(line)
  }
  await writeFile(path, rewritten.join('\n') + '\n')
  const key = (await readKeyFile(join(a.dataDir, KEY_FILE_NAME)))!
  await writeFile(join(a.dataDir, 'audit.head'), JSON.stringify(await signHead(d => key.sign(d), { peerId: a.peerId, seq: entries.length, hash: prev, ts: new Date().toISOString() })) + '\n')
  const local = await cliJson(['audit', '--verify', '--data-dir', a.dataDir])
  assert.equal(local.ok, true, 'the rewrite passes the local check: the key was in the data dir')

  // Back online; B still holds what it saw before.
  const back = await daemon(aConfig)
  await cliJson(['connect', b.addresses[0], '--config', back.configPath])
  const caught = await runCli(['audit', '--verify', '--witnesses', '--config', back.configPath])
  assert.equal(caught.code, 1, caught.stdout + caught.stderr)
  assert.match(caught.stdout, new RegExp(`witness ${b.peerId}: DISAGREES: entry \\d+ is not the one the witness saw \\(the history was rewritten\\)`))
})

import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { AuditLog, verifyAuditLog, readAuditEntries, genesisHash, signHead, type AuditLogOptions } from '../src/audit/index.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(removeTempDirs)
const KEY = await generateKeyPair('Ed25519')
const PEER = peerIdFromPrivateKey(KEY).toString()
const SIGNED: AuditLogOptions = { sign: data => KEY.sign(data) }

async function logWith (n: number): Promise<string> {
  const dir = await tempDir()
  const { log } = await AuditLog.open(dir, PEER, SIGNED)
  for (let i = 0; i < n; i++) await log.append('test.event', { peer: `p${i % 2}`, i })
  await log.close()
  return dir
}

test('a fresh chain verifies, and reopening continues it', async () => {
  const dir = await logWith(5)
  assert.deepEqual(await verifyAuditLog(dir, PEER), { ok: true, entries: 5 })
  const { log } = await AuditLog.open(dir, PEER, SIGNED)
  await log.append('after.reopen')
  await log.close()
  assert.deepEqual(await verifyAuditLog(dir, PEER), { ok: true, entries: 6 })
  assert.equal((await readAuditEntries(dir, { peer: 'p1' })).length, 2)
})

test('the chain is anchored to the PeerId', async () => {
  const dir = await logWith(2)
  const r = await verifyAuditLog(dir, '12D3KooWSomeoneElse')
  assert.equal(r.ok, false)
  assert.equal(r.brokenLine, 1)
})

test('deleting or editing a middle line is detected at the line after it', async () => {
  const dir = await logWith(5)
  const path = join(dir, 'audit.log')
  const lines = (await readFile(path, 'utf8')).split('\n')
  await writeFile(path, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'))
  const r = await verifyAuditLog(dir, PEER)
  assert.equal(r.ok, false)
  assert.equal(r.brokenLine, 3)
})

test('a line replaced by JSON that is no entry (null, a number) is a broken line, not a crash, and listing skips it', async () => {
  for (const planted of ['null', '42']) {
    const dir = await logWith(3)
    const path = join(dir, 'audit.log')
    const lines = (await readFile(path, 'utf8')).split('\n')
    lines[1] = planted
    await writeFile(path, lines.join('\n'))
    const r = await verifyAuditLog(dir, PEER)
    assert.equal(r.ok, false, planted)
    assert.equal(r.brokenLine, 2, planted)
    assert.deepEqual((await readAuditEntries(dir)).map(e => e.seq), [1, 3], planted)
  }
})

test('editing the last line is caught by the signed head', async () => {
  const dir = await logWith(3)
  const path = join(dir, 'audit.log')
  const text = await readFile(path, 'utf8')
  await writeFile(path, text.replace('"i":2', '"i":7'))
  const r = await verifyAuditLog(dir, PEER)
  assert.equal(r.ok, false)
  assert.equal(r.brokenLine, 3)
})

test('a torn last line is reported by verify, then moved aside and recorded at the next open', async () => {
  const dir = await logWith(3)
  await appendFile(join(dir, 'audit.log'), '{"seq":4,"ts":"2026-')
  const before = await verifyAuditLog(dir, PEER)
  assert.equal(before.ok, false)
  assert.equal(before.brokenLine, 4)
  assert.match(before.reason!, /torn last line/)
  const { log, repaired } = await AuditLog.open(dir, PEER, SIGNED)
  await log.close()
  assert.ok(repaired)
  assert.equal(repaired.tornBytes, Buffer.byteLength('{"seq":4,"ts":"2026-'))
  assert.equal(await readFile(repaired.savedTo, 'utf8'), '{"seq":4,"ts":"2026-')
  assert.ok((await readdir(dir)).some(f => f.startsWith('audit.log.torn-')))
  assert.deepEqual(await verifyAuditLog(dir, PEER), { ok: true, entries: 4 })
  const last = (await readAuditEntries(dir)).at(-1)!
  assert.equal(last.event, 'audit.repaired')
  assert.equal(last.tornBytes, repaired.tornBytes)
})

test('cutting entries off the end is caught by the head', async () => {
  const dir = await logWith(4)
  const path = join(dir, 'audit.log')
  const lines = (await readFile(path, 'utf8')).split('\n')
  await writeFile(path, lines.slice(0, 2).join('\n') + '\n')
  const r = await verifyAuditLog(dir, PEER)
  assert.equal(r.ok, false)
  assert.match(r.reason!, /removed from the end/)
})

test('deleting the head and cutting the end of the log is a verify failure that says so', async () => {
  const dir = await logWith(4)
  const path = join(dir, 'audit.log')
  const lines = (await readFile(path, 'utf8')).split('\n')
  await writeFile(path, lines.slice(0, 2).join('\n') + '\n')
  await rm(join(dir, 'audit.head'))
  const r = await verifyAuditLog(dir, PEER)
  assert.equal(r.ok, false)
  assert.match(r.reason!, /audit\.head is missing/)
  // The next open puts the missing head on the record before anything else.
  const { log } = await AuditLog.open(dir, PEER, SIGNED)
  await log.close()
  const last = (await readAuditEntries(dir)).at(-1)!
  assert.equal(last.event, 'audit.head.missing')
})

test('a rewritten history with a recomputed chain and a head not signed by the node fails', async () => {
  const dir = await logWith(3)
  // Rewrite entry 2 and recompute every hash after it, as someone without the key would.
  const path = join(dir, 'audit.log')
  const entries = (await readFile(path, 'utf8')).trim().split('\n').map(l => JSON.parse(l))
  entries[1].i = 99
  let prev = genesisHash(PEER)
  const out: string[] = []
  for (const e of entries) {
    const line = JSON.stringify({ ...e, prev })
    out.push(line)
    prev = createHash('sha256').update(line).digest('hex')
  }
  await writeFile(path, out.join('\n') + '\n')
  // A head for the new chain, signed by another key; then one with no signature at all.
  const other = await generateKeyPair('Ed25519')
  await writeFile(join(dir, 'audit.head'), JSON.stringify(await signHead(d => other.sign(d), { peerId: PEER, seq: 3, hash: prev, ts: new Date().toISOString() })))
  assert.match((await verifyAuditLog(dir, PEER)).reason!, /not signed by this node's key/)
  await writeFile(join(dir, 'audit.head'), JSON.stringify({ seq: 3, hash: prev }))
  assert.match((await verifyAuditLog(dir, PEER)).reason!, /not signed by this node's key/)
})

test('a head cut back while the node was stopped is recorded at the next open', async () => {
  const dir = await logWith(4)
  const path = join(dir, 'audit.log')
  const lines = (await readFile(path, 'utf8')).split('\n')
  await writeFile(path, lines.slice(0, 2).join('\n') + '\n')
  const { log } = await AuditLog.open(dir, PEER, SIGNED)
  await log.close()
  const last = (await readAuditEntries(dir)).at(-1)!
  assert.equal(last.event, 'audit.head.ahead')
  assert.equal(last.headSeq, 4)
  assert.equal(last.logSeq, 2)
})

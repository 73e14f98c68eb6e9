import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AuditLog, verifyAuditLog, readAuditEntries } from '../src/audit/index.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(removeTempDirs)
const PEER = '12D3KooWTestPeerForTheAuditChain'

async function logWith (n: number): Promise<string> {
  const dir = await tempDir()
  const { log } = await AuditLog.open(dir, PEER)
  for (let i = 0; i < n; i++) await log.append('test.event', { peer: `p${i % 2}`, i })
  await log.close()
  return dir
}

test('a fresh chain verifies, and reopening continues it', async () => {
  const dir = await logWith(5)
  assert.deepEqual(await verifyAuditLog(dir, PEER), { ok: true, entries: 5 })
  const { log } = await AuditLog.open(dir, PEER)
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

test('editing the last line is caught by the head saved at the last clean stop', async () => {
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
  const { log, repaired } = await AuditLog.open(dir, PEER)
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

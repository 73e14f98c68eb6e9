import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, cp, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreateKey, KEY_FILE_NAME } from '../src/identity/index.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

after(removeTempDirs)

test('the key is created on first start with mode 0600 inside a 0700 folder', async () => {
  const dataDir = join(await tempDir(), 'node')
  const { created, path } = await loadOrCreateKey(dataDir)
  assert.equal(created, true)
  assert.equal((await stat(path)).mode & 0o777, 0o600)
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700)
})

test('the same PeerId comes back on every load, and the file is never rewritten', async () => {
  const dataDir = await tempDir()
  const first = await loadOrCreateKey(dataDir)
  const bytes = await readFile(first.path)
  const second = await loadOrCreateKey(dataDir)
  assert.equal(second.created, false)
  assert.equal(peerIdFromPrivateKey(second.privateKey).toString(), peerIdFromPrivateKey(first.privateKey).toString())
  assert.deepEqual(await readFile(first.path), bytes)
})

test('a data directory copied elsewhere keeps its PeerId', async () => {
  const original = await tempDir()
  const { privateKey } = await loadOrCreateKey(original)
  const copy = join(await tempDir(), 'moved')
  await cp(original, copy, { recursive: true })
  const moved = await loadOrCreateKey(copy)
  assert.equal(peerIdFromPrivateKey(moved.privateKey).toString(), peerIdFromPrivateKey(privateKey).toString())
})

test('a key file readable by group or others is refused with the chmod that fixes it', async () => {
  const dataDir = await tempDir()
  const { path } = await loadOrCreateKey(dataDir)
  for (const mode of [0o640, 0o604, 0o644]) {
    await chmod(path, mode)
    await assert.rejects(loadOrCreateKey(dataDir), (err: any) => {
      assert.equal(err.code, 'KEY_FILE_EXPOSED')
      assert.equal(err.hint, `run: chmod 600 ${path}`)
      return true
    })
  }
  await chmod(path, 0o600)
  await loadOrCreateKey(dataDir)
})

test('a corrupt key file is refused with a clear error and left untouched', async () => {
  const dataDir = await tempDir()
  const path = join(dataDir, KEY_FILE_NAME)
  await writeFile(path, 'this is not a key', { mode: 0o600 })
  await assert.rejects(loadOrCreateKey(dataDir), (err: any) => err.code === 'KEY_FILE_CORRUPT' && err.message.includes(path))
  assert.equal(await readFile(path, 'utf8'), 'this is not a key')
})

// Floods against one DHT server's name store, on a real LevelDB datastore through the exact calls
// kad-dht's PUT_VALUE handler makes (validator, then datastore.put of the record): 10,000 names
// from one key, 10,000 names from 10,000 keys, 20 claimants for one name, claims that expire. Each
// has a bounded outcome, and the disk and memory they take are measured and capped.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { toString } from 'uint8arrays'
import type { PrivateKey } from '@libp2p/interface'
import { removeTempDirs, tempDir } from './helpers/tmp.ts'
import { openDatastore, closeDatastore } from '../src/node/datastore.ts'
import {
  ClaimStore, nameKey, signNameRecord, validateNameRecord, parseClaimSet,
  MAX_CLAIMANTS_PER_NAME, MAX_NAMES_PER_CLAIMANT, MAX_STORED_NAMES, DHT_RECORD_PREFIX
} from '../src/naming/index.ts'

after(async () => { await removeTempDirs() })

async function du (dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? await du(path) : (await stat(path)).size
  }
  return total
}

async function server (): Promise<{ dir: string, store: ClaimStore, close: () => Promise<void>, put: (key: PrivateKey, name: string, ttlMs?: number) => Promise<string | undefined> }> {
  const dir = await tempDir()
  const ds = await openDatastore(dir)
  const store = new ClaimStore(ds)
  await store.start()
  return {
    dir,
    store,
    close: async () => { store.stop(); await closeDatastore(dir, ds) },
    // What kad-dht's PutValueHandler does with a PUT_VALUE: validate, then store the record.
    put: async (key, name, ttlMs = 3_600_000) => {
      const value = await signNameRecord(key, { name, peerId: peerIdFromPrivateKey(key).toString(), seq: Date.now(), expiresAt: Date.now() + ttlMs })
      const record = new Libp2pRecord(nameKey(name), value, new Date())
      try {
        await validateNameRecord(record.key, record.value)
        await store.datastore.put(new Key(`${DHT_RECORD_PREFIX}${toString(record.key, 'base32')}`, false), record.serialize())
        return undefined
      } catch (err: any) {
        return err.code
      }
    }
  }
}

test('10,000 names from one key: the server keeps 8, refuses the rest, and stays small', async () => {
  const s = await server()
  const key = await generateKeyPair('Ed25519')
  const before = await du(s.dir)
  const outcomes: Record<string, number> = {}
  for (let i = 0; i < 10_000; i++) {
    const code = await s.put(key, `one-key-${i}`) ?? 'stored'
    outcomes[code] = (outcomes[code] ?? 0) + 1
  }
  assert.deepEqual(outcomes, { stored: MAX_NAMES_PER_CLAIMANT, NAME_CLAIM_REFUSED: 10_000 - MAX_NAMES_PER_CLAIMANT })
  assert.equal(s.store.stats().names, MAX_NAMES_PER_CLAIMANT)
  const grown = (await du(s.dir)) - before
  console.log(`one key, 10,000 names: stored ${s.store.stats().names}, refused ${s.store.stats().refused['claimant-full']}, datastore grew ${grown} bytes`)
  assert.ok(grown < 64 * 1024, `grew ${grown} bytes`)
  await s.close()
})

test('10,000 names from 10,000 keys: the server stops at its cap, and disk stays bounded', async () => {
  const s = await server()
  const before = await du(s.dir)
  const heapBefore = process.memoryUsage().heapUsed
  const outcomes: Record<string, number> = {}
  for (let i = 0; i < 10_000; i++) {
    const code = await s.put(await generateKeyPair('Ed25519'), `many-keys-${i}`) ?? 'stored'
    outcomes[code] = (outcomes[code] ?? 0) + 1
  }
  assert.deepEqual(outcomes, { stored: MAX_STORED_NAMES, NAME_CLAIM_REFUSED: 10_000 - MAX_STORED_NAMES })
  const stats = s.store.stats()
  assert.equal(stats.names, MAX_STORED_NAMES)
  const grown = (await du(s.dir)) - before
  const heap = process.memoryUsage().heapUsed - heapBefore
  console.log(`10,000 keys, 10,000 names: stored ${stats.names} names / ${stats.claims} claims, refused ${stats.refused['store-full']}, datastore grew ${grown} bytes, heap grew about ${heap} bytes`)
  // The attack grew a store by 22.7 MB with 20k padded records; the cap holds it to a few MB.
  assert.ok(grown < 8 * 1024 * 1024, `grew ${grown} bytes`)
  // A restarted server rebuilds the same index from disk, so the caps survive restarts.
  await s.close()
  const ds = await openDatastore(s.dir)
  const reopened = new ClaimStore(ds)
  await reopened.start()
  assert.equal(reopened.stats().names, MAX_STORED_NAMES)
  reopened.stop()
  await closeDatastore(s.dir, ds)
})

test('20 claimants of one name: the first 16 are kept, newcomers are refused, nobody is evicted', async () => {
  const s = await server()
  const keys = await Promise.all(Array.from({ length: 20 }, async () => await generateKeyPair('Ed25519')))
  const codes: Array<string | undefined> = []
  for (const key of keys) codes.push(await s.put(key, 'crowded'))
  assert.deepEqual(codes, [...Array(MAX_CLAIMANTS_PER_NAME).fill(undefined), ...Array(20 - MAX_CLAIMANTS_PER_NAME).fill('NAME_CLAIM_REFUSED')])
  // An incumbent renews (newer seq) even though the set is full.
  assert.equal(await s.put(keys[0], 'crowded'), undefined)
  const raw = await s.store.datastore.get(new Key(`${DHT_RECORD_PREFIX}${toString(nameKey('crowded'), 'base32')}`, false))
  const stored = parseClaimSet(Libp2pRecord.deserialize(raw).value).map(c => c.peerId)
  assert.deepEqual(stored.sort(), keys.slice(0, MAX_CLAIMANTS_PER_NAME).map(k => peerIdFromPrivateKey(k).toString()).sort())
  await s.close()
})

test('expired claims are removed from disk, and a name left with none disappears', async () => {
  const s = await server()
  const [a, b] = [await generateKeyPair('Ed25519'), await generateKeyPair('Ed25519')]
  assert.equal(await s.put(a, 'short-lived', 300), undefined)
  assert.equal(await s.put(b, 'short-lived', 3_600_000), undefined)
  assert.equal(await s.put(a, 'gone-soon', 300), undefined)
  assert.equal(s.store.stats().claims, 3)
  await new Promise(resolve => setTimeout(resolve, 400))
  assert.equal(await s.store.sweep(), 2)
  assert.deepEqual(s.store.stats(), { names: 1, claims: 1, refused: {}, expired: 2 })
  const keys: string[] = []
  for await (const key of s.store.datastore.queryKeys({ prefix: DHT_RECORD_PREFIX.slice(0, -1) })) keys.push(key.toString())
  assert.deepEqual(keys, [`${DHT_RECORD_PREFIX}${toString(nameKey('short-lived'), 'base32')}`])
  await s.close()
})

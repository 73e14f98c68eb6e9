// A cache in front of the datastore for libp2p's peer store. libp2p reads a peer's record from the
// datastore and writes it back, with a fresh `updated` time and nothing else changed, on every
// stream either side opens; kad-dht reads up to 20 records to answer each FIND_NODE. Profiled at 20
// nodes in one process, peer-store reads and writes were the largest CPU cost after GC. Reads of
// recent records come from memory; a write that changes nothing but `updated` is skipped unless the
// stored one is older than PEER_REWRITE_MS (the peer store forgets peers not updated for 6 h, so a
// minute changes nothing there). Every other write goes straight through.
import type { Datastore, Key } from 'interface-datastore'
import { forwardedMember } from './libp2p-internals.ts'

/** The options each datastore method takes (the store's own types, whatever they grow to hold). */
type GetOptions = Parameters<Datastore['get']>[1]
type PutOptions = Parameters<Datastore['put']>[2]
type DeleteOptions = Parameters<Datastore['delete']>[1]
type CommitOptions = Parameters<ReturnType<Datastore['batch']>['commit']>[0]

/** Peer records kept in memory per node (about 200-500 bytes each), in entries. */
export const PEER_CACHE_ENTRIES = 1024

/** A record differing only in its `updated` time is rewritten at most this often, in ms. */
export const PEER_REWRITE_MS = 60_000

/**
 * The record without its trailing `updated` field (protobuf field 8, a varint, encoded last by
 * @libp2p/peer-store 12.x), or undefined when the bytes do not end that way.
 */
function withoutUpdated (buf: Uint8Array): Uint8Array | undefined {
  let i = buf.length - 1
  if (i < 1 || (buf[i] & 0x80) !== 0) return undefined
  i--
  while (i >= 0 && (buf[i] & 0x80) !== 0) i--
  return i >= 0 && buf[i] === 0x40 ? buf.subarray(0, i) : undefined
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The peer store's key space (@libp2p/peer-store: `/peers/<multihash>`). */
const PEERS_PREFIX = '/peers/'

export function withPeerCache (store: Datastore, maxEntries = PEER_CACHE_ENTRIES): Datastore {
  const cache = new Map<string, Uint8Array>()
  /** When each cached record was last written to the store (ms since epoch). */
  const written = new Map<string, number>()
  const remember = (key: string, value: Uint8Array): void => {
    cache.delete(key)
    cache.set(key, value)
    // Map keeps insertion order: the first key is the least recently used.
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) {
        cache.delete(oldest.value)
        written.delete(oldest.value)
      }
    }
  }
  const isPeer = (key: Key): boolean => key.toString().startsWith(PEERS_PREFIX)
  const get = async (key: Key, options?: GetOptions): Promise<Uint8Array> => {
    if (!isPeer(key)) return await store.get(key, options)
    const k = key.toString()
    const hit = cache.get(k)
    if (hit != null) { remember(k, hit); return hit }
    const value = await store.get(key, options)
    remember(k, value)
    if (!written.has(k)) written.set(k, 0) // its age on disk is unknown: the next change writes
    return value
  }
  const put = async (key: Key, value: Uint8Array, options?: PutOptions): Promise<Key> => {
    if (!isPeer(key)) return await store.put(key, value, options)
    const k = key.toString()
    const cached = cache.get(k)
    if (cached != null && Date.now() - (written.get(k) ?? 0) < PEER_REWRITE_MS) {
      const before = withoutUpdated(cached)
      const after = withoutUpdated(value)
      if (before != null && after != null && sameBytes(before, after)) return key // only `updated` moved
    }
    cache.delete(k) // never serve a value the store may not hold
    const stored = await store.put(key, value, options)
    remember(k, value)
    written.set(k, Date.now())
    return stored
  }
  const del = async (key: Key, options?: DeleteOptions): Promise<void> => {
    cache.delete(key.toString())
    written.delete(key.toString())
    await store.delete(key, options)
  }
  const batch = (): ReturnType<Datastore['batch']> => {
    // Rare for peers; forget every key a batch touches, so reads go to the store afterwards.
    const inner = store.batch()
    const touched: string[] = []
    return {
      put: (key: Key, value: Uint8Array) => { touched.push(key.toString()); inner.put(key, value) },
      delete: (key: Key) => { touched.push(key.toString()); inner.delete(key) },
      commit: async (options?: CommitOptions) => {
        try { await inner.commit(options) } finally { for (const k of touched) cache.delete(k) }
      }
    }
  }
  return new Proxy(store, {
    get (target, prop) {
      if (prop === 'get') return get
      if (prop === 'put') return put
      if (prop === 'delete') return del
      if (prop === 'batch') return batch
      return forwardedMember(target, prop)
    }
  })
}

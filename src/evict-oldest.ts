// Bounded maps throughout the node evict by age: a Map iterates in insertion order, so its first
// key is the oldest (or the least recently used, where a use re-inserts the key).

/** Drop the oldest entry of `map` (nothing when it is empty). */
export function evictOldest<K, V> (map: Map<K, V>): void {
  const first = map.keys().next()
  if (first.done !== true) map.delete(first.value)
}

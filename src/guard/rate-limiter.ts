// Token buckets per key (a PeerId, or issuer+subject): a burst, then a steady rate. The map of keys
// is capped, oldest first out, so a flood of fresh identities cannot grow memory without bound.
import { evictOldest } from '../evict-oldest.ts'

export interface RateLimiterInit {
  /** Tokens a key starts with and may save up. */
  burst: number
  /** Tokens added per minute. */
  perMinute: number
  /** Most keys tracked. @default 10000 */
  maxKeys?: number
}

interface Bucket { tokens: number, updated: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly init: Required<RateLimiterInit>

  constructor (init: RateLimiterInit) {
    this.init = { maxKeys: 10_000, ...init }
  }

  /** Take one token for `key`; false when the key is over its rate. */
  take (key: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(key)
    if (bucket == null) {
      bucket = { tokens: this.init.burst, updated: now }
      if (this.buckets.size >= this.init.maxKeys) evictOldest(this.buckets)
    } else {
      this.buckets.delete(key) // re-insert below: Map order doubles as least-recently-used order
      bucket.tokens = Math.min(this.init.burst, bucket.tokens + ((now - bucket.updated) / 60_000) * this.init.perMinute)
      bucket.updated = now
    }
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /** Drop a key's bucket: it starts full again. */
  forget (key: string): void { this.buckets.delete(key) }

  get size (): number { return this.buckets.size }
}

// A small seeded PRNG (mulberry32) shared by the fuzzer and the reputation simulation: every fuzz
// case and every simulation row is reproducible from its seed.
export class Rng {
  private s: number
  constructor (seed: number) { this.s = seed >>> 0 }
  next (): number {
    this.s = (this.s + 0x6D2B79F5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int (n: number): number { return Math.floor(this.next() * n) }
  bool (p = 0.5): boolean { return this.next() < p }
  pick<T> (xs: readonly T[]): T { return xs[this.int(xs.length)] }
  bytes (n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }

  /** k distinct items of xs, none equal to `not`. */
  sample<T> (xs: readonly T[], k: number, not?: T): T[] {
    const out: T[] = []
    const seen = new Set<number>()
    let guard = 0
    while (out.length < k && guard++ < k * 20) {
      const i = this.int(xs.length)
      if (seen.has(i) || xs[i] === not) continue
      seen.add(i)
      out.push(xs[i])
    }
    return out
  }

  /** A case's own generator, so a failing case replays without the ones before it. */
  fork (index: number): Rng { return new Rng((this.int(2 ** 32) ^ Math.imul(index + 1, 0x9E3779B1)) >>> 0) }
}

/** A seed from a row's parameters (FNV-1a). */
export function seedOf (...parts: Array<string | number>): number {
  let h = 2166136261
  for (const ch of parts.join('|')) { h ^= ch.charCodeAt(0); h = Math.imul(h, 16777619) }
  return h >>> 0
}

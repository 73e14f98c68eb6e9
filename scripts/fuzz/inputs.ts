// Hostile inputs: junk JSON of every type, valid objects with one field confused, and byte-level
// frame damage (truncation, lying or oversized length prefixes, raw bytes, invalid UTF-8).
import { fromString } from 'uint8arrays'
import type { Rng } from '../lib/rng.ts'

const STRINGS = ['', ' ', '\u0000', '\uD800', '💥'.repeat(64), '__proto__', 'constructor', 'toString', '12D3KooW', '/ip4/127.0.0.1/tcp/1', '-1', 'NaN', '1e309', '{"a":', 'null']
const NUMBERS = [0, -1, 1, 0.5, -0.0, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MAX_SAFE_INTEGER, 4294967296, 1.7976931348623157e308]
const KEYS = ['__proto__', 'constructor', 'prototype', 'then', 'toJSON', 'valueOf', 'error', 'result', 'jsonrpc', 'id', 'method', 'params', 'body', 'envelope', 'sig', '']

/** A random JSON value; depth bounds nesting (deep nesting is its own case below). */
export function junkJson (rng: Rng, depth = 3): unknown {
  switch (rng.int(depth > 0 ? 9 : 6)) {
    case 0: return null
    case 1: return rng.bool()
    case 2: return rng.pick(NUMBERS)
    case 3: return rng.int(2 ** 31) - 2 ** 30
    case 4: return rng.pick(STRINGS)
    case 5: return 'x'.repeat(rng.pick([1, 100, 5000, 70_000]))
    case 6: return Array.from({ length: rng.int(5) }, () => junkJson(rng, depth - 1))
    case 7: {
      const o: Record<string, unknown> = {}
      for (let i = rng.int(5); i > 0; i--) o[rng.pick(KEYS)] = junkJson(rng, depth - 1)
      return o
    }
    default: return rng.bool() ? deepNest(rng.pick([100, 1000, 2000])) : { [rng.pick(KEYS)]: junkJson(rng, depth - 1) }
  }
}

/** `[[[…]]]` nested n deep: stresses recursive parsers and validators. */
export function deepNest (n: number): unknown {
  let v: unknown = 0
  for (let i = 0; i < n; i++) v = [v]
  return v
}

/** A copy of `value` with one field (at any depth) replaced by junk, deleted, or joined by a stray key. */
export function confuse (rng: Rng, value: unknown): unknown {
  const copy = structuredClone(value)
  const paths: Array<Array<string | number>> = []
  const walk = (v: unknown, path: Array<string | number>, depth: number): void => {
    paths.push(path)
    if (depth > 6 || v == null || typeof v !== 'object') return
    for (const [k, child] of Object.entries(v)) walk(child, [...path, Array.isArray(v) ? Number(k) : k], depth + 1)
  }
  walk(copy, [], 0)
  const path = rng.pick(paths)
  if (path.length === 0) return junkJson(rng)
  let parent: any = copy
  for (const k of path.slice(0, -1)) parent = parent[k]
  const last = path[path.length - 1]
  switch (rng.int(4)) {
    case 0: delete parent[last]; break
    case 1: parent[rng.pick(KEYS)] = junkJson(rng, 1); break
    default: parent[last] = junkJson(rng, 2)
  }
  return copy
}

export function varint (n: number): Uint8Array {
  const out: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return Uint8Array.from(out)
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** One length-prefixed frame. */
export function lpFrame (payload: Uint8Array): Uint8Array {
  return concat(varint(payload.length), payload)
}

export function jsonBytes (value: unknown): Uint8Array {
  return fromString(JSON.stringify(value) ?? 'undefined')
}

export type FrameDamage = 'intact' | 'truncated' | 'short-prefix' | 'long-prefix' | 'oversized-prefix' | 'varint-overflow' | 'raw' | 'empty' | 'two-frames' | 'bad-utf8' | 'zero-length'

export const FRAME_DAMAGE: FrameDamage[] = ['intact', 'truncated', 'short-prefix', 'long-prefix', 'oversized-prefix', 'varint-overflow', 'raw', 'empty', 'two-frames', 'bad-utf8', 'zero-length']

/** `payload` as one frame, damaged the way `damage` says. */
export function damagedFrame (rng: Rng, payload: Uint8Array, damage: FrameDamage, maxBytes: number): Uint8Array {
  const frame = lpFrame(payload)
  switch (damage) {
    case 'intact': return frame
    case 'truncated': return frame.subarray(0, rng.int(frame.length))
    case 'short-prefix': return concat(varint(Math.max(0, payload.length - 1 - rng.int(Math.max(1, payload.length)))), payload)
    case 'long-prefix': return concat(varint(payload.length + 1 + rng.int(100)), payload)
    case 'oversized-prefix': return concat(varint(maxBytes + 1 + rng.int(2 ** 30)), payload.subarray(0, 64))
    case 'varint-overflow': return concat(new Uint8Array(10 + rng.int(10)).fill(0xff), payload.subarray(0, 16))
    case 'raw': return rng.bytes(1 + rng.int(512))
    case 'empty': return new Uint8Array(0)
    case 'two-frames': return concat(frame, frame)
    case 'bad-utf8': return lpFrame(concat(payload.subarray(0, payload.length >> 1), Uint8Array.from([0xc3, 0x28, 0xff, 0xfe]), payload.subarray(payload.length >> 1)))
    case 'zero-length': return varint(0)
  }
}

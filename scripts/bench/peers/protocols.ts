// Bench-only protocols, spoken by the bench's own peer processes (never by a shipped daemon), and
// the byte framing shared with the raw-TCP baseline so both sides do exactly the same work.

/** Reads an 8-byte big-endian length, then that many bytes, then answers one byte. */
export const SINK_PROTOCOL = '/agentwire-bench/sink/1.0.0'
/** Keeps the stream open and idle, for measuring what an open stream costs. */
export const HOLD_PROTOCOL = '/agentwire-bench/hold/1.0.0'

/** Counts a sink transfer: feed it every chunk; it returns true once the announced bytes arrived. */
export class SinkCounter {
  private header = new Uint8Array(8)
  private headerFill = 0
  private expected = -1
  private received = 0

  push (data: Uint8Array): boolean {
    let offset = 0
    if (this.expected < 0) {
      const take = Math.min(8 - this.headerFill, data.byteLength)
      this.header.set(data.subarray(0, take), this.headerFill)
      this.headerFill += take
      offset = take
      if (this.headerFill < 8) return false
      this.expected = Number(new DataView(this.header.buffer).getBigUint64(0))
    }
    this.received += data.byteLength - offset
    return this.received >= this.expected
  }
}

export function sinkHeader (totalBytes: number): Uint8Array {
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(totalBytes))
  return header
}

/** A payload chunk with incompressible content (nothing on the path compresses, but be honest). */
export function payloadChunk (size: number): Uint8Array {
  const chunk = new Uint8Array(size)
  let x = 0x9e3779b9
  for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; chunk[i] = x & 0xff }
  return chunk
}

/** Parse `--key value` pairs. */
export function parseArgs (argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) { out[argv[i].slice(2)] = argv[i + 1] ?? ''; i++ }
  }
  return out
}

export function emit (line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + '\n')
}

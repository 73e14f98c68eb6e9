// One hostile stream, opened by a real node against a real node: write bytes, optionally close our
// side, then wait (bounded) for the victim to end the stream. A stream the victim leaves open past
// the deadline is a finding: a handler that forgets a stream leaks it until the connection dies.
import type { Stream } from '@libp2p/interface'
import type { AgentNode } from '../../src/agent-node.ts'

export interface ProbeResult {
  /** closed: the victim ended its side; reset: it aborted the stream; open: neither before the deadline; refused: no stream at all. */
  outcome: 'closed' | 'reset' | 'open' | 'refused'
  /** Everything the victim wrote back. */
  reply: Uint8Array
  error?: string
}

export interface ProbeOptions {
  /** Close our writing side after sending (a well-behaved end of request). @default true */
  closeWrite?: boolean
  /** How long the victim has to end the stream, in ms. */
  deadlineMs: number
}

export async function probe (attacker: AgentNode, victim: AgentNode, protocol: string, bytes: Uint8Array, options: ProbeOptions): Promise<ProbeResult> {
  let stream: Stream
  try {
    stream = await attacker.libp2p.dialProtocol(victim.peerId, protocol, { signal: AbortSignal.timeout(options.deadlineMs), runOnLimitedConnection: true })
  } catch (err: any) {
    return { outcome: 'refused', reply: new Uint8Array(0), error: err.name ?? String(err) }
  }
  const chunks: Uint8Array[] = []
  let total = 0
  stream.addEventListener('message', evt => {
    const bytes = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()
    if (total < 1024 * 1024) chunks.push(bytes)
    total += bytes.length
  })
  const deadline = AbortSignal.timeout(options.deadlineMs)
  try {
    if (bytes.length > 0) {
      // Big writes in slices, so a reset mid-way is seen as a reset, not a buffer overflow of ours.
      for (let at = 0; at < bytes.length && stream.writeStatus === 'writable'; at += 64 * 1024) {
        if (!stream.send(bytes.subarray(at, at + 64 * 1024))) await stream.onDrain({ signal: deadline })
      }
    }
    if ((options.closeWrite ?? true) && stream.writeStatus === 'writable') await stream.close({ signal: deadline })
  } catch (err: any) {
    if (isReset(stream)) return { outcome: 'reset', reply: concatAll(chunks), error: err.name }
  }
  // Ended by the victim: it closed its writing side, or the stream was reset. Events, not the
  // async iterator: the iterator misses an end that happened before it was attached.
  const ended = (): boolean => isReset(stream) || stream.remoteWriteStatus === 'closed' || stream.readStatus === 'closed' || stream.status === 'closed'
  if (!ended()) {
    await new Promise<void>(resolve => {
      const done = (): void => {
        if (!ended() && !deadline.aborted) return
        stream.removeEventListener('remoteCloseWrite', done)
        stream.removeEventListener('close', done)
        deadline.removeEventListener('abort', done)
        resolve()
      }
      stream.addEventListener('remoteCloseWrite', done)
      stream.addEventListener('close', done)
      deadline.addEventListener('abort', done)
    })
  }
  if (!ended()) {
    stream.abort(new Error('fuzz deadline'))
    return { outcome: 'open', reply: concatAll(chunks) }
  }
  if (isReset(stream)) return { outcome: 'reset', reply: concatAll(chunks) }
  if (stream.writeStatus === 'writable') await stream.close().catch(() => {})
  return { outcome: 'closed', reply: concatAll(chunks) }
}

function isReset (stream: Stream): boolean {
  return stream.status === 'reset' || stream.status === 'aborted'
}

function concatAll (chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

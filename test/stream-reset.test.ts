// Long single-stream transfers must never be reset (issue 19). yamux 8 granted the sender a new
// window for every data frame it received, whether or not anyone had read it; a stream with no
// 'message' listener yet (after protocol negotiation, while libp2p awaits its peer-store write, or
// while a handler awaits something before reading) so kept inviting data until the 4 MiB
// maxReadBufferLength aborted it, and the sender saw StreamResetError. patches/ fixes yamux.
// The bulk test also caught the second cause: libp2p's connection monitor aborted the connection
// when its ping, queued behind bulk data, passed 5 s (now 30 s, src/node/constants.ts).
//
// AGENTWIRE_RESET_MIB sets the size of each of the 20 bulk transfers (default 256 MiB).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import type { AgentNode } from '../src/agent-node.ts'
import type { Stream } from '@libp2p/interface'

const MiB = 1024 * 1024
const SINK = '/agentwire-test/sink/1.0.0'
const LATE_SINK = '/agentwire-test/late-sink/1.0.0'
/** The late sink's handler starts reading after this long, in ms, or once its stream is no longer open. */
const LATE_READER_WAIT_MS = 3_000
const TRANSFERS = 20
const TRANSFER_MIB = Number(process.env.AGENTWIRE_RESET_MIB ?? 256)
/** Bound on the whole bulk test, in ms (≈ 5 GiB through Noise on a loaded 2-core machine). */
const BULK_DEADLINE_MS = 30 * 60_000

let net: Testnet
/** Most bytes the late sink's stream held unread while its handler waited. */
let lateUnreadPeak = 0
/** Why the receiving side aborted a stream, if it did: the cause the sender only sees as a reset. */
const receiverErrors: string[] = []

/** Count bytes after an 8-byte length header; answer one byte once all arrived. */
function sink (stream: Stream): void {
  let expected = -1
  let received = 0
  const header: number[] = []
  stream.addEventListener('message', (event) => {
    const data = event.data instanceof Uint8Array ? event.data : event.data.subarray()
    let offset = 0
    while (expected < 0 && offset < data.byteLength) {
      header.push(data[offset++])
      if (header.length === 8) expected = Number(new DataView(Uint8Array.from(header).buffer).getBigUint64(0))
    }
    received += data.byteLength - offset
    if (expected >= 0 && received >= expected) {
      stream.send(new Uint8Array([received === expected ? 1 : 0]))
      void stream.close().catch(() => {})
    }
  })
  stream.addEventListener('close', (event: any) => { if (event.error != null) receiverErrors.push(`${event.error.name}: ${event.error.message}`) })
}

before(async () => {
  net = await testnet(2)
  const receiver = net.nodes[1]
  await receiver.libp2p.handle(SINK, sink, { maxInboundStreams: 4 })
  await receiver.libp2p.handle(LATE_SINK, async (stream) => {
    // A handler that awaits something before it reads (a lookup, a lock) while data keeps arriving.
    const waitUntil = Date.now() + LATE_READER_WAIT_MS
    while (stream.status === 'open' && Date.now() < waitUntil) {
      lateUnreadPeak = Math.max(lateUnreadPeak, stream.readBufferLength)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    if (stream.status !== 'open') receiverErrors.push(`stream ${stream.status} while its handler waited, ${lateUnreadPeak} bytes unread`)
    sink(stream)
  }, { maxInboundStreams: 4 })
})
after(async () => {
  await net.stop()
  await removeTempDirs()
})

/** Push `bytes` through one new stream, honouring back-pressure; resolves once the sink acknowledged all. */
async function transfer (from: AgentNode, to: AgentNode, protocol: string, bytes: number, signal: AbortSignal): Promise<void> {
  const stream = await from.libp2p.dialProtocol(to.peerId, protocol, { signal })
  const acked = new Promise<void>((resolve, reject) => {
    stream.addEventListener('message', (event) => {
      const data = event.data instanceof Uint8Array ? event.data : event.data.subarray()
      if (data[0] === 1) resolve()
      else reject(new Error('the sink counted more bytes than announced'))
    }, { once: true })
    stream.addEventListener('close', (event: any) => reject(event.error ?? new Error('stream closed before the ack')), { once: true })
    signal.addEventListener('abort', () => reject(new Error('deadline')), { once: true })
  })
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(bytes))
  stream.send(header)
  const chunk = new Uint8Array(64 * 1024).fill(0xa5)
  for (let sent = 0; sent < bytes;) {
    const piece = bytes - sent >= chunk.byteLength ? chunk : chunk.subarray(0, bytes - sent)
    if (!stream.send(piece)) await stream.onDrain({ signal })
    sent += piece.byteLength
  }
  try {
    await acked
  } catch (err) {
    throw new Error(`transfer of ${bytes / MiB} MiB failed: ${(err as Error).name}: ${(err as Error).message}; receiver saw: ${receiverErrors.join('; ') || 'nothing'}`)
  }
  await stream.close({ signal }).catch(() => stream.abort(new Error('done')))
}

test('a stream whose handler reads late is held by flow control, not reset', async () => {
  const [sender, receiver] = net.nodes
  receiverErrors.length = 0
  // 16 MiB is four times the read buffer limit: without flow control it cannot all wait unread.
  await transfer(sender, receiver, LATE_SINK, 16 * MiB, AbortSignal.timeout(120_000))
  assert.deepEqual(receiverErrors, [])
  // Held, and held within the read buffer limit: the sender waited for the window, as it should.
  assert.ok(lateUnreadPeak > 0 && lateUnreadPeak <= 4 * MiB, `unread bytes peaked at ${lateUnreadPeak}`)
})

test(`${TRANSFERS} × ${TRANSFER_MIB} MiB through single streams arrive without a reset`, async () => {
  const [sender, receiver] = net.nodes
  receiverErrors.length = 0
  const signal = AbortSignal.timeout(BULK_DEADLINE_MS)
  for (let i = 0; i < TRANSFERS; i++) {
    await transfer(sender, receiver, SINK, TRANSFER_MIB * MiB, signal)
  }
  assert.deepEqual(receiverErrors, [])
})

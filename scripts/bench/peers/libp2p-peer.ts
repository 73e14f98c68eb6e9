// A bench peer: one agentwire node (createAgentNode, the daemon's own stack) in its own process.
//   serve                                    listen on 127.0.0.1, answer the sink and hold protocols
//   throughput --addr A --bytes N --runs R --chunk C   one stream per run, N bytes each, to A's sink
//   connect --addr A --count N --paceMs P    dial, first negotiated stream, hang up; N times, P ms apart
//   streams --addr A --count N               open N idle streams to A, report, hold until stdin ends
// Results are JSON lines on stdout. $BENCH_YAMUX / $BENCH_NOISE apply proposed settings, see module-override.ts.
import { mkdtemp, rm } from 'node:fs/promises'
import { multiaddr } from '@multiformats/multiaddr'
import { installOverrides } from './module-override.ts'
import { SINK_PROTOCOL, HOLD_PROTOCOL, SinkCounter, sinkHeader, payloadChunk, parseArgs, emit } from './protocols.ts'

const overridden = installOverrides()
const { createAgentNode } = await import('../../../src/agent-node.ts')

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const dataDir = await mkdtemp('/tmp/awb-peer-')
const node = await createAgentNode({ dataDir, listen: mode === 'serve' ? ['/ip4/127.0.0.1/tcp/0'] : [] })
const libp2p = node.libp2p

await libp2p.handle(SINK_PROTOCOL, (stream) => {
  const counter = new SinkCounter()
  stream.addEventListener('message', (event) => {
    const data = event.data instanceof Uint8Array ? event.data : event.data.subarray()
    if (counter.push(data)) {
      stream.send(new Uint8Array([1]))
      // Close our side once the transfer is acknowledged: a sink that never closes leaves
      // half-open streams behind, and past maxInboundStreams libp2p resets the next one.
      void stream.close().catch(() => {})
    }
  })
}, { maxInboundStreams: 8, maxOutboundStreams: 8 })
await libp2p.handle(HOLD_PROTOCOL, (stream) => {
  stream.addEventListener('message', () => {})
}, { maxInboundStreams: 2_000, maxOutboundStreams: 2_000 })
await node.start()

let stopping = false
async function shutdown (code = 0): Promise<never> {
  if (!stopping) {
    stopping = true
    // A stuck stop must not keep a bench waiting: the result (or failure) is already out.
    setTimeout(() => process.exit(code), 3_000).unref()
    await node.stop().catch(() => {})
    await rm(dataDir, { recursive: true, force: true })
  }
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown() })
process.once('SIGINT', () => { void shutdown() })

const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 120_000))

try {
  switch (mode) {
    case 'serve': {
      emit({ event: 'ready', pid: process.pid, addr: node.addresses()[0], overrides: overridden })
      process.stdin.resume()
      process.stdin.once('end', () => { void shutdown() })
      break
    }
    case 'throughput': {
      const total = Number(args.bytes)
      const runs = Number(args.runs)
      const chunk = payloadChunk(Number(args.chunk ?? 65_536))
      const conn = await libp2p.dial(multiaddr(args.addr), { signal: deadline })
      const results: number[] = []
      for (let run = 0; run < runs && !deadline.aborted; run++) {
        const stream = await conn.newStream(SINK_PROTOCOL, { signal: deadline })
        const acked = new Promise<void>((resolve, reject) => {
          stream.addEventListener('message', () => resolve(), { once: true })
          stream.addEventListener('close', (e: any) => reject(e.error ?? new Error('stream closed before the ack')), { once: true })
          deadline.addEventListener('abort', () => reject(new Error('deadline')), { once: true })
        })
        const t0 = performance.now()
        stream.send(sinkHeader(total))
        for (let sent = 0; sent < total;) {
          const piece = total - sent >= chunk.byteLength ? chunk : chunk.subarray(0, total - sent)
          if (!stream.send(piece)) await stream.onDrain({ signal: deadline })
          sent += piece.byteLength
        }
        await acked
        const ms = performance.now() - t0
        results.push(ms)
        await stream.close({ signal: deadline }).catch(() => stream.abort(new Error('done')))
      }
      emit({ event: 'result', bytes: total, ms: results })
      await shutdown()
      break
    }
    case 'connect': {
      const count = Number(args.count)
      const ma = multiaddr(args.addr)
      const results: number[] = []
      for (let i = 0; i < count && !deadline.aborted; i++) {
        const t0 = performance.now()
        const conn = await libp2p.dial(ma, { signal: deadline })
        const stream = await conn.newStream(HOLD_PROTOCOL, { signal: deadline })
        results.push(performance.now() - t0)
        stream.abort(new Error('done'))
        await libp2p.hangUp(conn.remotePeer, { signal: deadline })
        // Stay under the listener's inbound rate limit; this pause is outside the timed part.
        await new Promise(resolve => setTimeout(resolve, Number(args.paceMs ?? 0)))
      }
      emit({ event: 'result', ms: results })
      await shutdown()
      break
    }
    case 'streams': {
      const count = Number(args.count)
      const conn = await libp2p.dial(multiaddr(args.addr), { signal: deadline })
      emit({ event: 'connected' })
      await new Promise<void>(resolve => process.stdin.once('data', () => resolve()))
      const streams = []
      for (let i = 0; i < count && !deadline.aborted; i++) {
        const stream = await conn.newStream(HOLD_PROTOCOL, { signal: deadline })
        stream.send(new Uint8Array([1]))
        streams.push(stream)
      }
      emit({ event: 'opened', count: streams.length })
      process.stdin.resume()
      process.stdin.once('end', () => { void shutdown() })
      break
    }
    default:
      throw new Error(`unknown mode ${mode}`)
  }
} catch (err) {
  process.stderr.write(`bench peer (${mode}) failed: ${(err as Error).stack ?? String(err)}\n`)
  await shutdown(1)
}

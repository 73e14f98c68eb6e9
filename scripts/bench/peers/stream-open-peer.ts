// The stream-open bench peer: one agentwire node (the daemon's own stack) in its own process.
//   serve                          listen on 127.0.0.1 and echo every byte on ECHO_PROTOCOL
//   open --addr A --count N        dial once; N times: new stream + 1-byte echo, closed; then N
//                                  1-byte echoes on one stream already open (the baseline)
// Results are JSON lines on stdout.
import { mkdtemp, rm } from 'node:fs/promises'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { parseArgs, emit } from './protocols.ts'

const { createAgentNode } = await import('../../../src/agent-node.ts')

/** Bench-only: echoes each message back on the same stream. */
const ECHO_PROTOCOL = '/agentwire-bench/echo/1.0.0'

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const dataDir = await mkdtemp('/tmp/awb-open-')
const node = await createAgentNode({ dataDir, listen: mode === 'serve' ? ['/ip4/127.0.0.1/tcp/0'] : [], limits: { inboundConnectionsPerHostPerSecond: 1000 }, log: { level: 'silent' } } as any)
await node.libp2p.handle(ECHO_PROTOCOL, (stream) => {
  stream.addEventListener('message', (event) => { stream.send(event.data) })
  stream.addEventListener('remoteCloseWrite', () => { void stream.close().catch(() => {}) })
}, { maxInboundStreams: 64, maxOutboundStreams: 64 })
await node.start()

async function shutdown (code = 0): Promise<never> {
  setTimeout(() => process.exit(code), 3_000).unref()
  await node.stop().catch(() => {})
  await rm(dataDir, { recursive: true, force: true })
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown() })

async function echoOnce (stream: Stream, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onClose = (): void => reject(new Error('stream closed before the echo'))
    stream.addEventListener('message', () => { stream.removeEventListener('close', onClose); resolve() }, { once: true })
    stream.addEventListener('close', onClose, { once: true })
    signal.addEventListener('abort', () => reject(new Error('deadline')), { once: true })
    stream.send(new Uint8Array([1]))
  })
}

try {
  if (mode === 'serve') {
    emit({ event: 'ready', pid: process.pid, addr: node.addresses()[0] })
    process.stdin.resume()
    process.stdin.once('end', () => { void shutdown() })
  } else if (mode === 'open') {
    const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 60_000))
    const count = Number(args.count)
    const conn = await node.libp2p.dial(multiaddr(args.addr), { signal: deadline })
    const open = async (): Promise<number> => {
      const t0 = performance.now()
      const stream = await conn.newStream(ECHO_PROTOCOL, { signal: deadline })
      await echoOnce(stream, deadline)
      const ms = performance.now() - t0
      await stream.close({ signal: deadline }).catch(() => stream.abort(new Error('done')))
      return ms
    }
    const held = await conn.newStream(ECHO_PROTOCOL, { signal: deadline })
    const echo = async (): Promise<number> => { const t0 = performance.now(); await echoOnce(held, deadline); return performance.now() - t0 }
    for (let i = 0; i < 30; i++) { await open(); await echo() }
    const opened: number[] = []
    const echoed: number[] = []
    // Interleaved, so drift on a shared machine hits both alike.
    for (let i = 0; i < count && !deadline.aborted; i++) { opened.push(await open()); echoed.push(await echo()) }
    emit({ event: 'result', opened, echoed })
    await shutdown()
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
} catch (err) {
  process.stderr.write(`stream-open peer (${mode}) failed: ${(err as Error).stack ?? String(err)}\n`)
  await shutdown(1)
}

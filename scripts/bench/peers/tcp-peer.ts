// The raw-TCP baseline peer, the same framing as the libp2p sink (protocols.ts), no libp2p at all.
//   serve                                    listen on 127.0.0.1, sink every connection
//   throughput --port P --bytes N --runs R --chunk C   one connection per run, N bytes each
//   connect --port P --count N               connect until 'connect', close; N times
import { createServer, connect, type Socket } from 'node:net'
import { SinkCounter, sinkHeader, payloadChunk, parseArgs, emit } from './protocols.ts'

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 120_000))

async function open (port: number): Promise<Socket> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true })
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
}

switch (mode) {
  case 'serve': {
    const server = createServer({ noDelay: true }, socket => {
      const counter = new SinkCounter()
      socket.on('data', data => { if (counter.push(data)) socket.write(new Uint8Array([1])) })
      socket.on('error', () => {})
    })
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      emit({ event: 'ready', pid: process.pid, port: typeof address === 'object' && address != null ? address.port : 0 })
    })
    process.stdin.resume()
    process.stdin.once('end', () => process.exit(0))
    process.once('SIGTERM', () => process.exit(0))
    break
  }
  case 'throughput': {
    const total = Number(args.bytes)
    const chunk = payloadChunk(Number(args.chunk ?? 65_536))
    const results: number[] = []
    for (let run = 0; run < Number(args.runs) && !deadline.aborted; run++) {
      const socket = await open(Number(args.port))
      const acked = new Promise<void>((resolve, reject) => { socket.once('data', () => resolve()); socket.once('error', reject) })
      const t0 = performance.now()
      socket.write(sinkHeader(total))
      for (let sent = 0; sent < total;) {
        const piece = total - sent >= chunk.byteLength ? chunk : chunk.subarray(0, total - sent)
        if (!socket.write(piece)) await new Promise(resolve => socket.once('drain', resolve))
        sent += piece.byteLength
      }
      await acked
      results.push(performance.now() - t0)
      socket.destroy()
    }
    emit({ event: 'result', bytes: total, ms: results })
    process.exit(0)
    break
  }
  case 'connect': {
    const results: number[] = []
    for (let i = 0; i < Number(args.count) && !deadline.aborted; i++) {
      const t0 = performance.now()
      const socket = await open(Number(args.port))
      results.push(performance.now() - t0)
      socket.destroy()
    }
    emit({ event: 'result', ms: results })
    process.exit(0)
    break
  }
  default:
    process.stderr.write(`unknown mode ${mode}\n`)
    process.exit(1)
}

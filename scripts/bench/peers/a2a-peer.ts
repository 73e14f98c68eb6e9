// A2A bench peers: the example agent behind agentwire and behind plain HTTP, and the caller that
// measures both from one process, interleaved, so drift on a shared machine hits both alike.
//   serve-p2p                                an agentwire node answering A2A with the example agent
//   serve-http                               the same agent as an A2A HTTP JSON-RPC server (SDK Express adapter)
//   latency --addr A --url U --count N       N sequential SendMessage calls per path, interleaved
//                                            (paths: session, stream per call, SDK client over agentwire, HTTP)
//   throughput --addr A --url U --concurrency C --windowMs W --rounds R   calls/s with C in flight
//   serve-trust                              an agentwire node with the default mutual policy whose
//                                            "operator" approves every request as soon as it is pending
//   handshake --addr A --rounds R            per round a fresh caller: request → approved → first call
// Results are JSON lines on stdout.
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { AgentCard } from '@a2a-js/sdk'
import { ClientFactory, type Client } from '@a2a-js/sdk/client'
import { parseArgs, emit } from './protocols.ts'

const { createAgentNode } = await import('../../../src/agent-node.ts')
const { startExampleHttpAgent } = await import('../../../src/a2a/example-http-agent.ts')

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 120_000))
const cleanups: Array<() => Promise<void>> = []

let stopping = false
async function shutdown (code = 0): Promise<never> {
  if (!stopping) {
    stopping = true
    setTimeout(() => process.exit(code), 3_000).unref()
    for (const c of cleanups.reverse()) await c().catch(() => {})
  }
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown() })
process.once('SIGINT', () => { void shutdown() })

/**
 * The peer guard admits 20 streams a second per peer (burst 40) by default, so one caller measuring
 * back-to-back calls would be refused, struck and banned. The bench lifts it through the guard's own
 * runtime `configure()`; `--stockGuard 1` keeps the default.
 */
const LIFTED_GUARD = { streamsPerSecond: 100_000, streamBurst: 100_000, maxStreamsPerPeer: 1024, maxPendingStreams: 4096 }

/** Calls one caller may run at the callee: above the most the throughput figure keeps in flight (64). */
const BENCH_CALLS_PER_PEER = 256

async function agentwireNode (config: Record<string, unknown>): Promise<Awaited<ReturnType<typeof createAgentNode>>> {
  // AWB_DATA_ROOT=/dev/shm (profiling only): data dirs on tmpfs, so fdatasync costs nothing and the
  // transport's own share of a call shows.
  const dataDir = await mkdtemp(join(process.env.AWB_DATA_ROOT ?? '/tmp', 'awb-a2a-'))
  const node = await createAgentNode({ dataDir, limits: { inboundConnectionsPerHostPerSecond: 1000 }, log: { level: 'silent' }, ...config } as any)
  await node.start()
  cleanups.push(async () => { await node.stop(); await rm(dataDir, { recursive: true, force: true }) })
  return node
}

const PING = 'ping'

function sdkMessage (text: string): any {
  return { message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: text } }] } }
}

/**
 * The ways a caller reaches the agent; each returns once the answer ("pong") is in. `p2p` is the
 * default path (the A2A session); `p2pStream` is a second caller node with `a2a.sessions: false`,
 * one stream per call, the path before sessions, measured in the same run.
 */
async function callers (addr: string, url: string): Promise<{ p2p: () => Promise<void>, p2pStream: () => Promise<void>, sdkP2p: () => Promise<void>, http: () => Promise<void>, peerId: string }> {
  const node = await agentwireNode({ listen: [] })
  const { peerId } = await node.connect(addr, { signal: deadline })
  const streamNode = await agentwireNode({ listen: [], a2a: { sessions: false } })
  await streamNode.connect(addr, { signal: deadline })
  const http: Client = await new ClientFactory().createFromUrl(url)
  const { card } = await node.a2a.caller.card(peerId)
  const sdkP2p: Client = await new ClientFactory({ transports: [node.a2a.caller.transportFactory()] }).createFromAgentCard(AgentCard.fromJSON(card))
  const expectPong = (r: any): void => {
    const text = r?.message?.parts?.[0]?.text ?? r?.parts?.[0]?.content?.value ?? r?.parts?.[0]?.text
    if (text !== 'pong') throw new Error(`unexpected answer: ${JSON.stringify(r).slice(0, 300)}`)
  }
  return {
    peerId,
    p2p: async () => { expectPong((await node.a2a.send(peerId, PING)).result) },
    p2pStream: async () => { expectPong((await streamNode.a2a.send(peerId, PING)).result) },
    sdkP2p: async () => { expectPong(await sdkP2p.sendMessage(sdkMessage(PING))) },
    http: async () => { expectPong(await http.sendMessage(sdkMessage(PING))) }
  }
}

/** Poll (1 ms) until `check` is true: the state we wait for is written just after the event that wakes us. */
async function until (check: () => boolean, what: string, maxMs = 10_000): Promise<void> {
  const end = performance.now() + maxMs
  while (!check()) {
    if (performance.now() > end || deadline.aborted) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 1))
  }
}

async function timed (fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/** Calls completed per second with `concurrency` in flight for `windowMs`. */
async function rate (fn: () => Promise<void>, concurrency: number, windowMs: number): Promise<number> {
  const until = performance.now() + windowMs
  let done = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until && !deadline.aborted) {
      await fn()
      done++
    }
  }))
  return done / ((performance.now() - t0) / 1000)
}

try {
  switch (mode) {
    case 'serve-p2p': {
      const node = await agentwireNode({ listen: ['/ip4/127.0.0.1/tcp/0'], a2a: { exampleAgent: true, maxCallsPerPeer: BENCH_CALLS_PER_PEER }, trust: { policy: 'open' } })
      const guard = (node.trust as any).guard
      if (args.stockGuard !== '1') guard?.configure?.(LIFTED_GUARD)
      emit({ event: 'ready', pid: process.pid, addr: node.addresses()[0], guard: guard?.limits ?? null })
      process.stdin.resume()
      process.stdin.once('end', () => { void shutdown() })
      break
    }
    case 'serve-trust': {
      const node = await agentwireNode({ listen: ['/ip4/127.0.0.1/tcp/0'], a2a: { exampleAgent: true } })
      node.audit.onAppend(entry => {
        if (entry.event !== 'handshake.request.received' || entry.peer == null) return
        const peer = entry.peer
        void until(() => node.trust.pending().some(e => e.peerId === peer), 'the request to be pending')
          .then(async () => { await node.trust.approve(peer) })
          .catch(err => { process.stderr.write(`approve failed: ${(err as Error).message}\n`) })
      })
      emit({ event: 'ready', pid: process.pid, addr: node.addresses()[0] })
      process.stdin.resume()
      process.stdin.once('end', () => { void shutdown() })
      break
    }
    case 'handshake': {
      const rounds: Array<{ requestMs: number, approvedMs: number, firstCallMs: number, totalMs: number }> = []
      for (let r = 0; r < Number(args.rounds) && !deadline.aborted; r++) {
        // A fresh identity each round (the callee remembers everyone it approved); setup is untimed.
        const node = await agentwireNode({ listen: [] })
        const { peerId } = await node.connect(args.addr, { signal: deadline })
        const mutual = (): boolean => node.trust.list().some(e => e.peerId === peerId && e.state === 'mutual')
        const t0 = performance.now()
        await node.trust.request(peerId, 'bench', deadline)
        const t1 = performance.now()
        await until(mutual, 'the approval')
        const t2 = performance.now()
        const answer: any = (await node.a2a.send(peerId, PING, { signal: deadline })).result
        const t3 = performance.now()
        if (answer?.message == null) throw new Error(`first call not answered: ${JSON.stringify(answer).slice(0, 300)}`)
        rounds.push({ requestMs: t1 - t0, approvedMs: t2 - t1, firstCallMs: t3 - t2, totalMs: t3 - t0 })
        await cleanups.pop()!()
      }
      emit({ event: 'result', rounds })
      await shutdown()
      break
    }
    case 'serve-http': {
      const agent = await startExampleHttpAgent({ name: 'bench http agent' })
      cleanups.push(agent.close)
      emit({ event: 'ready', pid: process.pid, url: agent.url })
      process.stdin.resume()
      process.stdin.once('end', () => { void shutdown() })
      break
    }
    case 'latency': {
      const count = Number(args.count)
      const c = await callers(args.addr, args.url)
      // Warm-up, untimed: JIT, the SDK's lazy paths, yamux windows.
      for (let i = 0; i < 30 && !deadline.aborted; i++) { await c.p2p(); await c.p2pStream(); await c.sdkP2p(); await c.http() }
      const ms: Record<'p2p' | 'p2pStream' | 'sdkP2p' | 'http', number[]> = { p2p: [], p2pStream: [], sdkP2p: [], http: [] }
      for (let i = 0; i < count && !deadline.aborted; i++) {
        ms.p2p.push(await timed(c.p2p))
        ms.p2pStream.push(await timed(c.p2pStream))
        ms.http.push(await timed(c.http))
        ms.sdkP2p.push(await timed(c.sdkP2p))
      }
      emit({ event: 'result', ms })
      await shutdown()
      break
    }
    case 'throughput': {
      const concurrency = Number(args.concurrency)
      const windowMs = Number(args.windowMs)
      const c = await callers(args.addr, args.url)
      await rate(c.p2p, concurrency, 500)
      await rate(c.p2pStream, concurrency, 500)
      await rate(c.http, concurrency, 500)
      const perSecond: Record<'p2p' | 'p2pStream' | 'http', number[]> = { p2p: [], p2pStream: [], http: [] }
      for (let r = 0; r < Number(args.rounds) && !deadline.aborted; r++) {
        perSecond.p2p.push(await rate(c.p2p, concurrency, windowMs))
        perSecond.p2pStream.push(await rate(c.p2pStream, concurrency, windowMs))
        perSecond.http.push(await rate(c.http, concurrency, windowMs))
      }
      emit({ event: 'result', perSecond })
      await shutdown()
      break
    }
    default:
      throw new Error(`unknown mode ${mode}`)
  }
} catch (err) {
  process.stderr.write(`a2a peer (${mode}) failed: ${(err as Error).stack ?? String(err)}\n`)
  await shutdown(1)
}

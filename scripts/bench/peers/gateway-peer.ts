// Gateway bench peers, each in its own process, for the path an unmodified A2A client takes:
// SDK client → caller node's HTTP gateway → libp2p → callee node → its a2a.upstream (an SDK HTTP agent).
//   serve-upstream                           the example agent as a plain A2A HTTP server (SDK Express adapter)
//   serve-callee --upstream URL              an agentwire node (open policy) forwarding calls to URL
//   serve-caller --addr A                    an agentwire node with the gateway on 127.0.0.1, connected to A
//   latency --gateway U --direct D --count N N SendMessage calls per path with the SDK client, interleaved
// Results are JSON lines on stdout.
import { mkdtemp, rm } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { ClientFactory, type Client } from '@a2a-js/sdk/client'
import { parseArgs, emit } from './protocols.ts'

const { createAgentNode } = await import('../../../src/agent-node.ts')
const { startExampleHttpAgent } = await import('../../../src/a2a/example-http-agent.ts')

const [mode, ...rest] = process.argv.slice(2)
const args = parseArgs(rest)
const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 120_000))
const cleanups: Array<() => Promise<void>> = []

async function shutdown (code = 0): Promise<never> {
  setTimeout(() => process.exit(code), 3_000).unref()
  for (const c of cleanups.reverse()) await c().catch(() => {})
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown() })

/** As in a2a-peer.ts: the guard's stock 20 streams/s per peer would refuse back-to-back calls. */
const LIFTED_GUARD = { streamsPerSecond: 100_000, streamBurst: 100_000 }

async function agentwireNode (config: Record<string, unknown>): Promise<Awaited<ReturnType<typeof createAgentNode>>> {
  const dataDir = await mkdtemp('/tmp/awb-gw-')
  const node = await createAgentNode({ dataDir, limits: { inboundConnectionsPerHostPerSecond: 1000 }, log: { level: 'silent' }, ...config } as any)
  await node.start()
  cleanups.push(async () => { await node.stop(); await rm(dataDir, { recursive: true, force: true }) })
  return node
}

function serveUntilStdinEnds (): void {
  process.stdin.resume()
  process.stdin.once('end', () => { void shutdown() })
}

async function timed (fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

try {
  switch (mode) {
    case 'serve-upstream': {
      const agent = await startExampleHttpAgent({ name: 'bench upstream agent' })
      cleanups.push(agent.close)
      emit({ event: 'ready', url: agent.url })
      serveUntilStdinEnds()
      break
    }
    case 'serve-callee': {
      const node = await agentwireNode({ listen: ['/ip4/127.0.0.1/tcp/0'], a2a: { upstream: args.upstream }, trust: { policy: 'open' } })
      ;(node.trust as any).guard?.configure?.(LIFTED_GUARD)
      emit({ event: 'ready', addr: node.addresses()[0] })
      serveUntilStdinEnds()
      break
    }
    case 'serve-caller': {
      // `--sessions 0`: the caller speaks only the one-stream-per-call binding (the path before sessions).
      const node = await agentwireNode({ listen: [], a2a: { gateway: { listen: '127.0.0.1:0' }, sessions: args.sessions !== '0' } })
      const { peerId } = await node.connect(args.addr, { signal: deadline })
      emit({ event: 'ready', url: `${node.a2a.gatewayUrl}/peers/${peerId}/` })
      serveUntilStdinEnds()
      break
    }
    case 'latency': {
      const gateway: Client = await new ClientFactory().createFromUrl(args.gateway)
      const direct: Client = await new ClientFactory().createFromUrl(args.direct)
      const viaStreams: Client | undefined = args.gatewayStreams != null ? await new ClientFactory().createFromUrl(args.gatewayStreams) : undefined
      const call = (client: Client) => async (): Promise<void> => {
        const r: any = await client.sendMessage({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'ping' } }] } } as any)
        const text = r?.parts?.[0]?.content?.value ?? r?.message?.parts?.[0]?.text ?? r?.parts?.[0]?.text
        if (text !== 'pong') throw new Error(`unexpected answer: ${JSON.stringify(r).slice(0, 300)}`)
      }
      for (let i = 0; i < 20 && !deadline.aborted; i++) { await call(gateway)(); await call(direct)(); if (viaStreams != null) await call(viaStreams)() }
      const ms: Record<'gateway' | 'direct' | 'gatewayStreams', number[]> = { gateway: [], direct: [], gatewayStreams: [] }
      for (let i = 0; i < Number(args.count) && !deadline.aborted; i++) {
        ms.gateway.push(await timed(call(gateway)))
        if (viaStreams != null) ms.gatewayStreams.push(await timed(call(viaStreams)))
        ms.direct.push(await timed(call(direct)))
      }
      emit({ event: 'result', ms })
      await shutdown()
      break
    }
    default:
      throw new Error(`unknown mode ${mode}`)
  }
} catch (err) {
  process.stderr.write(`gateway peer (${mode}) failed: ${(err as Error).stack ?? String(err)}\n`)
  await shutdown(1)
}

// p50 (and p99) of SendMessage from the official SDK client through the whole gateway path: the
// caller node's local HTTP gateway → libp2p → the callee node → its `a2a.upstream` (the example
// agent as an SDK HTTP server), next to the same SDK client calling that agent directly over HTTP.
// Four processes (client, caller node, callee node, agent); both paths interleaved call by call.
import { join } from 'node:path'
import type { Figure } from '../lib/figure.ts'
import { start, PEERS, type Child } from '../lib/process.ts'
import { median, quantile, round } from '../lib/stats.ts'

const PEER = join(PEERS, 'gateway-peer.ts')

export const figure: Figure = {
  name: 'gateway-latency',
  unit: 'ms',
  baseline: 'the same SDK client calling the upstream agent directly over HTTP',
  goal: '≤ 3× direct HTTP p50',
  met: r => r.baselineValue != null && r.value / r.baselineValue <= 3,
  run: async (ctx) => {
    const count = ctx.quick ? 100 : 400
    const servers: Child[] = []
    const serve = async (...argv: string[]): Promise<any> => {
      const child = start([PEER, ...argv])
      servers.push(child)
      return await child.nextJson(l => l?.event === 'ready', 30_000)
    }
    try {
      const upstream = await serve('serve-upstream')
      const callee = await serve('serve-callee', '--upstream', upstream.url)
      const caller = await serve('serve-caller', '--addr', callee.addr)
      // A second caller node speaking only the one-stream-per-call binding: the path before sessions, same run.
      const streamCaller = await serve('serve-caller', '--addr', callee.addr, '--sessions', '0')
      const client = start([PEER, 'latency', '--gateway', caller.url, '--gatewayStreams', streamCaller.url, '--direct', upstream.url, '--count', String(count), '--timeoutMs', '80000'])
      try {
        const { ms } = await client.nextJson(l => l?.event === 'result', 90_000)
        const { gateway, direct, gatewayStreams } = ms as Record<string, number[]>
        ctx.log(`gateway p50 ${round(median(gateway))} ms p99 ${round(quantile(gateway, 0.99))} ms; direct HTTP p50 ${round(median(direct))} ms p99 ${round(quantile(direct, 0.99))} ms`)
        return {
          value: median(gateway),
          baselineValue: median(direct),
          details: {
            p99: round(quantile(gateway, 0.99)),
            baselineP99: round(quantile(direct, 0.99)),
            calls: gateway.length,
            streamPerCallP50: round(median(gatewayStreams)),
            streamPerCallRatio: round(median(gatewayStreams) / median(direct))
          }
        }
      } finally {
        await client.stop()
      }
    } finally {
      await Promise.all(servers.map(async s => { s.process.stdin!.end(); await s.stop() }))
    }
  }
}

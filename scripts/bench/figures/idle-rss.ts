// Resident memory of an idle `agentwire start` daemon, next to a Node process holding nothing; then
// what each connected peer adds to the daemon, and what each open stream adds to an agentwire node.
import { join } from 'node:path'
import type { Figure } from '../lib/figure.ts'
import { start, PEERS, settledRss, writeDaemonConfig, startDaemon, SOURCE_CLI } from '../lib/process.ts'
import { serve } from '../lib/peers.ts'
import { round } from '../lib/stats.ts'
import { PROPOSED_DAEMON_ENV } from '../proposals.ts'

const MB = 1e6

export const figure: Figure = {
  name: 'idle-rss',
  unit: 'MB',
  baseline: 'node -e holding nothing',
  goal: '< 80 MB',
  met: r => r.value < 80,
  run: async (ctx) => {
    const connections = ctx.quick ? 10 : 30
    const streams = ctx.quick ? 200 : 500

    const idleNode = start(['-e', 'process.stdout.write(JSON.stringify({event:"ready"})+"\\n"); setInterval(() => {}, 1 << 30)'])
    let baseline: number
    try {
      await idleNode.nextJson(l => l?.event === 'ready', 10_000)
      baseline = (await settledRss(idleNode.pid)).rss
    } finally {
      await idleNode.stop()
    }

    const { configPath } = await writeDaemonConfig()
    const daemon = await startDaemon(configPath)
    let idle: { rss: number, settled: boolean }
    let perConnection: number
    try {
      idle = await settledRss(daemon.child.pid, { maxMs: 10_000 })
      const clients = start([join(PEERS, 'many-clients.ts'), '--addr', daemon.ready.addresses[0], '--count', String(connections), '--paceMs', '250', '--timeoutMs', '60000'])
      try {
        const r = await clients.nextJson(l => l?.event === 'result', 70_000)
        const loaded = await settledRss(daemon.child.pid, { maxMs: 10_000 })
        perConnection = (loaded.rss - idle.rss) / r.connected
      } finally {
        clients.process.stdin!.end()
        await clients.stop()
      }
    } finally {
      await daemon.child.stop()
    }

    // The proposal, same run: a young generation capped at 1 MiB semi-spaces (see proposals.ts).
    const tuned = await startDaemon(configPath, 30_000, PROPOSED_DAEMON_ENV)
    let tunedIdle: { rss: number, settled: boolean }
    try {
      tunedIdle = await settledRss(tuned.child.pid, { maxMs: 10_000 })
    } finally {
      await tuned.child.stop()
    }

    // The same daemon from its TypeScript sources (Node's type stripping), as it ran before the build.
    const stripped = await startDaemon(configPath, 30_000, {}, SOURCE_CLI)
    let strippedIdle: { rss: number, settled: boolean }
    try {
      strippedIdle = await settledRss(stripped.child.pid, { maxMs: 10_000 })
    } finally {
      await stripped.child.stop()
    }

    // Open streams: an agentwire node (the daemon's stack) serving the bench's hold protocol.
    const peer = await serve('libp2p-peer.ts')
    let perStream: number
    try {
      const holder = start([join(PEERS, 'libp2p-peer.ts'), 'streams', '--addr', peer.ready.addr, '--count', String(streams), '--timeoutMs', '60000'])
      try {
        await holder.nextJson(l => l?.event === 'connected', 30_000)
        const before = await settledRss(peer.child.pid)
        holder.process.stdin!.write('go\n')
        const opened = await holder.nextJson(l => l?.event === 'opened', 60_000)
        const after = await settledRss(peer.child.pid)
        perStream = (after.rss - before.rss) / opened.count
      } finally {
        holder.process.stdin!.end()
        await holder.stop()
      }
    } finally {
      peer.child.process.stdin!.end()
      await peer.child.stop()
    }

    ctx.log(`daemon ${round(idle.rss / MB)} MB idle compiled (${round(strippedIdle.rss / MB)} MB from sources), +${round(perConnection / 1e3)} kB/connection, +${round(perStream / 1e3)} kB/stream; bare node ${round(baseline / MB)} MB`)
    return {
      value: idle.rss / MB,
      baselineValue: baseline / MB,
      details: {
        settled: idle.settled,
        proposedEnv: PROPOSED_DAEMON_ENV,
        proposedValue: round(tunedIdle.rss / MB),
        fromSourceMB: round(strippedIdle.rss / MB),
        perConnectionKB: round(perConnection / 1e3),
        connections,
        perStreamKB: round(perStream / 1e3),
        streams
      }
    }
  }
}

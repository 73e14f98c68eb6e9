// A network of agentwire nodes for the DHT and gossip figures, grown (and shrunk) in batches, one
// host process per batch, plus a prober process whose single node does the measuring. The network is
// kept between figures (dht-resolve ends at the size gossip-propagation starts with) and stopped by
// `stopSwarm()` when the bench ends.
import { join } from 'node:path'
import { start, PEERS, type Child } from './process.ts'
import { nowMs } from './stats.ts'

export interface SwarmNode { name: string, peerId: string, addr: string }

/**
 * Most nodes per host process. Joining nodes cost CPU (Noise handshakes, identify, peer-store writes
 * to LevelDB) on everyone they meet; small batches in parallel processes use both cores for it.
 */
const NODES_PER_HOST = 15

/** Routing tables are "settled" once each holds this many peers (or everyone, in a smaller net). */
const SETTLED_ROUTING_TABLE = 15

let nextId = 0

/** Send one command to a swarm process and wait for its answer. */
export async function command (child: Child, cmd: Record<string, unknown>, timeoutMs = 60_000): Promise<any> {
  const id = ++nextId
  child.process.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n')
  const answer = await child.nextJson(l => l?.id === id, timeoutMs)
  if (answer.error != null) throw new Error(`swarm ${String(cmd.cmd)}: ${String(answer.error)}`)
  return answer
}

export class Swarm {
  readonly hosts: Array<{ child: Child, nodes: SwarmNode[] }> = []
  prober!: { child: Child, node: SwarmNode }
  gossip = 'unknown'

  /** Nodes in the network, the prober included. */
  get size (): number { return 1 + this.hosts.reduce((n, h) => n + h.nodes.length, 0) }
  get nodes (): SwarmNode[] { return this.hosts.flatMap(h => h.nodes) }
  get children (): Child[] { return [this.prober.child, ...this.hosts.map(h => h.child)] }

  /** Start `count` more nodes in parallel host processes of at most NODES_PER_HOST. */
  private async addHosts (count: number, hub?: string): Promise<void> {
    const batches = Math.ceil(count / NODES_PER_HOST)
    let first = this.nodes.length
    const starting = Array.from({ length: batches }, (_, b) => {
      const n = Math.floor(count / batches) + (b < count % batches ? 1 : 0)
      const child = start([join(PEERS, 'swarm-peer.ts'), 'host', '--count', String(n), '--first', String(first), ...(hub != null ? ['--hub', hub] : [])])
      first += n
      return child
    })
    const ready = await Promise.allSettled(starting.map(async child => await child.nextJson(l => l?.event === 'ready', 30_000 + count * 2_000)))
    // Keep every host that came up (so stop() ends it), then fail if any did not.
    ready.forEach((r, i) => { if (r.status === 'fulfilled') { this.hosts.push({ child: starting[i], nodes: r.value.nodes }); this.gossip = r.value.gossip } })
    const failed = ready.findIndex(r => r.status === 'rejected')
    if (failed >= 0) {
      await Promise.all(starting.filter((_, i) => ready[i].status === 'rejected').map(async c => { c.process.stdin!.end(); await c.stop() }))
      throw (ready[failed] as PromiseRejectedResult).reason
    }
  }

  /** Grow or shrink to `size` nodes (shrinking stops whole batches, newest first), then settle. */
  async resize (size: number, log: (m: string) => void): Promise<Record<string, unknown>> {
    const t0 = nowMs()
    if (this.hosts.length === 0) {
      // The first batch brings the hub (its first node) that everyone else bootstraps from.
      await this.addHosts(Math.min(size - 1, NODES_PER_HOST))
      const hub = this.hosts[0].nodes[0].addr
      if (size - 1 > NODES_PER_HOST) await this.addHosts(size - 1 - NODES_PER_HOST, hub)
      const child = start([join(PEERS, 'swarm-peer.ts'), 'probe', '--hub', hub])
      const ready = await child.nextJson(l => l?.event === 'ready', 30_000)
      this.prober = { child, node: ready.nodes[0] }
    } else if (size > this.size) {
      await this.addHosts(size - this.size, this.hosts[0].nodes[0].addr)
    } else {
      while (this.size > size && this.hosts.length > 1) {
        const last = this.hosts.pop()!
        last.child.process.stdin!.end()
        await last.child.stop()
      }
      if (this.size !== size) throw new Error(`cannot shrink to ${size} nodes: batches are ${this.hosts.map(h => h.nodes.length).join('+')} + prober`)
    }
    const started = nowMs() - t0
    // Settle: routing tables filled by the DHT's own self-queries; then every node republishes its
    // name so records sit on the nodes closest to them in the network as it is now.
    const want = Math.min(SETTLED_ROUTING_TABLE, this.size - 1)
    let tables: number[] = []
    const until = nowMs() + 30_000
    while (nowMs() < until) {
      tables = (await Promise.all(this.children.map(async c => (await command(c, { cmd: 'status' })).routingTable as number[]))).flat()
      if (Math.min(...tables) >= want) break
      await new Promise(resolve => setTimeout(resolve, 500))
    }
    const republished = (await Promise.all(this.hosts.map(async h => (await command(h.child, { cmd: 'republish' }, 120_000)).reached as number[]))).flat()
    const settledMs = nowMs() - t0
    const summary = { nodes: this.size, startMs: Math.round(started), settleMs: Math.round(settledMs), routingTableMin: Math.min(...tables), routingTableMedian: tables.sort((a, b) => a - b)[Math.floor(tables.length / 2)], namesStoredOnMin: Math.min(...republished) }
    log(`swarm at ${this.size} nodes: ${JSON.stringify(summary)}`)
    return summary
  }

  async stop (): Promise<void> {
    await Promise.all(this.children.map(async c => { c.process.stdin!.end(); await c.stop(8_000) }))
    this.hosts.length = 0
  }
}

let current: Swarm | undefined

/** The shared network, resized to `size` nodes. */
export async function swarmOfSize (size: number, log: (m: string) => void): Promise<{ swarm: Swarm, settle: Record<string, unknown> }> {
  current ??= new Swarm()
  try {
    return { swarm: current, settle: await current.resize(size, log) }
  } catch (err) {
    await stopSwarm()
    throw err
  }
}

export async function stopSwarm (): Promise<void> {
  const swarm = current
  current = undefined
  await swarm?.stop()
}

// A network of agentwire nodes for the DHT and gossip figures, grown (and shrunk) in batches, one
// host process per batch, plus a prober process whose single node does the measuring. The network is
// kept between figures (dht-resolve ends at the size gossip-propagation starts with) and stopped by
// `stopSwarm()` when the bench ends.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { loadavg, availableParallelism } from 'node:os'
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

/** Longest the network gets to form after growing, in ms (a 100-node net on a loaded 2-core box is slow). */
const SETTLE_WAIT_MS = 120_000

/** Most nodes added to a formed network at once when it grows (see `resize`). */
const GROW_STEP = 25

let nextId = 0

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat; null off Linux. */
function machineTicks (): { busy: number, total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const idle = cpu[3] + (cpu[4] ?? 0) // idle + iowait
    const total = cpu.reduce((a, b) => a + b, 0)
    return { busy: total - idle, total }
  } catch {
    return null
  }
}

export interface MachineCpu {
  /** Share of all cores busy during the run (every process, not only ours), in %. */
  busyPct: number | null
  cores: number
  /** 1-minute load average at the end of the run. */
  load1: number
  /** True when the machine had no spare core time: the figure measures the load, not the network. */
  saturated: boolean
}

/**
 * Start watching the machine's CPU; call the result to read what it did since. Every multi-node
 * figure reports this, so a run on a saturated 2-core box reads as such.
 */
export function watchMachineCpu (): () => MachineCpu {
  const before = machineTicks()
  return () => {
    const after = machineTicks()
    const busyPct = before != null && after != null && after.total > before.total ? Math.round(100 * (after.busy - before.busy) / (after.total - before.total)) : null
    return { busyPct, cores: availableParallelism(), load1: Math.round(loadavg()[0] * 10) / 10, saturated: busyPct != null && busyPct >= 90 }
  }
}

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
  /** Most nodes per host process (smaller for churn, where one host is what dies). */
  private readonly perHost: number
  /**
   * Index of the next node to start (its name is `bench-<index>`). Never reused: after a kill,
   * `nodes.length` shrinks, and a newcomer named after a live node makes that name ambiguous — the
   * network then rightly refuses to resolve it (churn measured 5 NAME_AMBIGUOUS that way).
   */
  private nextIndex = 0

  constructor (options: { perHost?: number } = {}) {
    this.perHost = options.perHost ?? NODES_PER_HOST
  }

  /** Nodes in the network, the prober included. */
  get size (): number { return 1 + this.hosts.reduce((n, h) => n + h.nodes.length, 0) }
  get nodes (): SwarmNode[] { return this.hosts.flatMap(h => h.nodes) }
  get children (): Child[] { return [this.prober.child, ...this.hosts.map(h => h.child)] }

  /** Start `count` more nodes in parallel host processes of at most NODES_PER_HOST. */
  async addHosts (count: number, hub?: string): Promise<void> {
    const batches = Math.ceil(count / this.perHost)
    let first = this.nextIndex
    this.nextIndex += count
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
      await this.addHosts(Math.min(size - 1, this.perHost))
      const hub = this.hosts[0].nodes[0].addr
      if (size - 1 > this.perHost) await this.addHosts(size - 1 - this.perHost, hub)
      const child = start([join(PEERS, 'swarm-peer.ts'), 'probe', '--hub', hub])
      const ready = await child.nextJson(l => l?.event === 'ready', 30_000)
      this.prober = { child, node: ready.nodes[0] }
    } else if (size > this.size) {
      // In steps of at most GROW_STEP nodes: 50 nodes joining a 50-node network at once kept a
      // saturated 2-core box from starting them within the ready wait (bench 17:20 UTC, load 12).
      while (this.size < size) await this.addHosts(Math.min(GROW_STEP, size - this.size), this.hosts[0].nodes[0].addr)
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
    let published: number[] = []
    const until = nowMs() + SETTLE_WAIT_MS
    while (nowMs() < until) {
      const statuses = await Promise.all(this.children.map(async c => await command(c, { cmd: 'status' })))
      tables = statuses.flatMap(s => s.routingTable as number[])
      published = statuses.flatMap(s => (s.published ?? []) as number[])
      // Formed: full tables, and every node's own (automatic) publish landed somewhere.
      if (Math.min(...tables) >= want && published.every(p => p > 0)) break
      await new Promise(resolve => setTimeout(resolve, 500))
    }
    const republished = (await Promise.all(this.hosts.map(async h => (await command(h.child, { cmd: 'republish' }, 120_000)).reached as number[]))).flat()
    const settledMs = nowMs() - t0
    const summary = { nodes: this.size, startMs: Math.round(started), settleMs: Math.round(settledMs), routingTableMin: Math.min(...tables), routingTableMedian: tables.sort((a, b) => a - b)[Math.floor(tables.length / 2)], namesUnpublishedBeforeRepublish: published.filter(p => p === 0).length, namesStoredOnMin: Math.min(...republished) }
    log(`swarm at ${this.size} nodes: ${JSON.stringify(summary)}`)
    return summary
  }

  /** SIGKILL host process `index` (never the first: it holds the hub): its nodes vanish mid-conversation. */
  kill (index: number): SwarmNode[] {
    if (index < 1 || index >= this.hosts.length) throw new Error(`no host ${index} to kill (hosts 1..${this.hosts.length - 1})`)
    const [victim] = this.hosts.splice(index, 1)
    victim.child.process.kill('SIGKILL')
    return victim.nodes
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

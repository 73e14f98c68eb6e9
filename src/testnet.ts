// testnet(n): a few real agentwire nodes in this process on 127.0.0.1, each with its own temporary
// data dir, for testing an agent against a real network (hyperdht ships the same idea). Not for
// production: the nodes trust loopback neighbours with generous connection limits.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgentNode, type AgentNode, type AgentNodeOptions } from './agent-node.ts'
import type { AgentwireConfigInput } from './config/index.ts'

/** Every node shares 127.0.0.1, so the per-host inbound limits (rate, upgrading at once) must allow the whole net. */
export const LOCALHOST_LIMITS = { inboundConnectionsPerHostPerSecond: 1000, maxIncomingPendingPerAddress: 1000, inboundUpgradeTimeoutMs: 10_000 }

/** How long `waitFor` polls by default, in ms. */
const WAIT_FOR_DEADLINE_MS = 20_000

export interface Testnet {
  /** The running nodes, in the order they were started; node 0 is the hub the others joined through. */
  nodes: AgentNode[]
  /** Make nodes `a` and `b` mutually trusted (a asks, b approves), as two operators would. */
  trust: (a: AgentNode, b: AgentNode) => Promise<void>
  /** Stop every node and delete its data dir. */
  stop: () => Promise<void>
}

export interface TestnetOptions {
  /** Config for node i, merged over the defaults (127.0.0.1, a random port, a temporary dataDir). */
  config?: (i: number) => Partial<AgentwireConfigInput>
  /** Library options for node i, e.g. `{ executor, card }` for the node that runs your agent. */
  options?: (i: number) => AgentNodeOptions
  /**
   * Connect every node to node 0 once started (a bootstrap hub).
   *
   * @default true
   */
  connectToFirst?: boolean
}

/**
 * Where a testnet registers its own teardown: node:test's test context (`t`) has this shape, so
 * `testnet(n, t)` gives a test its own network, stopped when the test ends, pass or fail.
 */
export interface Teardown {
  after: (fn: () => Promise<void>) => void
}

/**
 * Start `n` real nodes on 127.0.0.1 and connect them through node 0. Given a test context `t`, the
 * network belongs to that test: it is stopped (and its data dirs deleted) when the test ends.
 *
 * @example
 * ```ts
 * import { testnet } from 'agentwire'
 * const net = await testnet(2, { options: i => i === 1 ? { executor: myExecutor, card: myCard } : {} })
 * try {
 *   const [caller, agent] = net.nodes
 *   await net.trust(caller, agent)
 *   const { result } = await caller.a2a.send(agent.peerId.toString(), 'hello')
 * } finally {
 *   await net.stop()
 * }
 * // or, in a node:test test, a network of its own torn down with the test:
 * test('…', async (t) => { const net = await testnet(2, t); … })
 * ```
 */
export async function testnet (n: number, options?: TestnetOptions): Promise<Testnet>
export async function testnet (n: number, t: Teardown, options?: TestnetOptions): Promise<Testnet>
export async function testnet (n: number, second: TestnetOptions | Teardown = {}, third: TestnetOptions = {}): Promise<Testnet> {
  const teardown = 'after' in second && typeof second.after === 'function' ? second : undefined
  const options: TestnetOptions = teardown != null ? third : second as TestnetOptions
  const nodes: AgentNode[] = []
  const dirs: string[] = []
  const net: Testnet = {
    nodes,
    trust: async (a, b) => {
      await a.trust.request(b.peerId.toString(), 'testnet')
      await b.trust.approve(a.peerId.toString())
      await waitFor('mutual trust', () => a.trust.isAllowed(b.peerId.toString()) && b.trust.isAllowed(a.peerId.toString()))
    },
    stop: async () => {
      await Promise.allSettled(nodes.map(async node => { await node.stop() }))
      await Promise.all(dirs.map(async dir => { await rm(dir, { recursive: true, force: true }) }))
    }
  }
  try {
    for (let i = 0; i < n; i++) {
      // Short paths: the control socket lives in the data dir and Unix socket paths stop at 108 bytes.
      const dataDir = await mkdtemp(join(tmpdir().length < 40 ? tmpdir() : '/tmp', 'awn-'))
      dirs.push(dataDir)
      const node = await createAgentNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS, ...options.config?.(i) }, options.options?.(i))
      nodes.push(node)
      await node.start()
    }
    if (options.connectToFirst ?? true) {
      await Promise.all(nodes.slice(1).map(async node => await node.connect(nodes[0].addresses()[0])))
    }
  } catch (err) {
    await net.stop()
    throw err
  }
  teardown?.after(async () => { await net.stop() })
  return net
}

/**
 * Poll until `check` returns a truthy value (and return it), or fail after `deadlineMs` naming
 * `what` and the last error `check` threw. For tests: a condition, not a sleep.
 *
 * @example
 * ```ts
 * await waitFor('B to see A', () => B.peers().some(p => p.peerId === A.peerId.toString()))
 * ```
 */
export async function waitFor<T> (what: string, check: () => T | Promise<T>, deadlineMs = WAIT_FOR_DEADLINE_MS, everyMs = 50): Promise<T> {
  const until = Date.now() + deadlineMs
  let last: unknown
  while (Date.now() < until) {
    try {
      const value = await check()
      if (value) return value
    } catch (err) {
      last = err
    }
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
  throw new Error(`timed out waiting for ${what}${last != null ? ` (last error: ${(last as Error).message})` : ''}`)
}

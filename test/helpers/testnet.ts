// testnet(n): n real agentwire nodes in this process on 127.0.0.1, each with its own data dir,
// torn down by `stop()`. Used by tests that need many nodes (DHT, gossip).
import { createAgentNode, type AgentNode } from '../../src/agent-node.ts'
import type { AgentwireConfigInput } from '../../src/config/index.ts'
import { tempDir } from './tmp.ts'

/** Every node shares 127.0.0.1, so the per-host inbound limits (rate, upgrading at once) must allow the whole net. */
export const LOCALHOST_LIMITS = { inboundConnectionsPerHostPerSecond: 1000, maxIncomingPendingPerAddress: 1000, inboundUpgradeTimeoutMs: 10_000 }

export interface Testnet {
  nodes: AgentNode[]
  stop: () => Promise<void>
}

export interface TestnetOptions {
  /** Config for node i, merged over the defaults (127.0.0.1, random port). */
  config?: (i: number) => Partial<AgentwireConfigInput>
  /** Connect every node to node 0 once started (a bootstrap hub). @default true */
  connectToFirst?: boolean
}

export async function testnet (n: number, options: TestnetOptions = {}): Promise<Testnet> {
  const nodes: AgentNode[] = []
  const net: Testnet = {
    nodes,
    stop: async () => { await Promise.allSettled(nodes.map(node => node.stop())) }
  }
  try {
    for (let i = 0; i < n; i++) {
      const node = await createAgentNode({ dataDir: await tempDir('awn-'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS, ...options.config?.(i) })
      nodes.push(node)
      await node.start()
    }
    if (options.connectToFirst ?? true) {
      await Promise.all(nodes.slice(1).map(node => node.connect(nodes[0].addresses()[0])))
    }
  } catch (err) {
    await net.stop()
    throw err
  }
  return net
}

/** Poll until `check` returns a truthy value, or fail after `deadlineMs` with `what`. */
export async function waitFor<T> (what: string, check: () => T | Promise<T>, deadlineMs = 20_000, everyMs = 50): Promise<T> {
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

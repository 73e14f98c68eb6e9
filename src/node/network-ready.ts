// "Has this node joined the network yet?": what a library user awaits after `start()` before it
// resolves names or asks for trust. `start()` returns once the node listens; the bootstrap dials,
// the DHT routing table and the name publish all settle in the background after it.
import { NetworkNotJoinedError } from './errors.ts'

/** How often the join conditions are looked at while waiting, in ms. */
const READY_POLL_MS = 100
/** How long `ready()` waits by default before it fails, in ms. */
export const READY_TIMEOUT_MS = 30_000

export interface JoinState {
  /** Bootstrap peers in the config (other than this node itself). */
  bootstrapConfigured: number
  bootstrapConnected: number
  /** Peers in the DHT routing table. */
  routingTable: number
  /** This node's name, when it has one. */
  name: string | null
  /** DHT peers that accepted this node's latest name record. */
  namePublishedTo: number
}

export interface ReadyOptions {
  /** Give up waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal
  /**
   * Fail with NETWORK_NOT_JOINED after this many ms.
   *
   * @default 30000
   */
  timeoutMs?: number
}

/**
 * What is still missing before the node counts as joined; empty once it has. A node with no
 * bootstrap peers is the first of its network, so it has joined as soon as it runs. Otherwise it
 * needs a bootstrap connection and DHT peers, and when it has a name, a DHT peer holding its record
 * (until then others cannot find it by name).
 */
export function missingForJoin (s: JoinState): string[] {
  if (s.bootstrapConfigured === 0) return []
  const missing: string[] = []
  if (s.bootstrapConnected === 0) missing.push(`no bootstrap peer connected (0 of ${s.bootstrapConfigured})`)
  if (s.routingTable === 0) missing.push('no peers in the DHT routing table')
  if (s.name != null && s.namePublishedTo === 0) missing.push(`the name "${s.name}" is not stored on any DHT peer yet`)
  return missing
}

/** Resolve once `missingForJoin(state())` is empty; reject with NetworkNotJoinedError at the deadline. */
export async function waitUntilJoined (state: () => JoinState, options: ReadyOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  while (true) {
    options.signal?.throwIfAborted()
    const missing = missingForJoin(state())
    if (missing.length === 0) return
    if (Date.now() >= deadline) throw new NetworkNotJoinedError(timeoutMs, missing)
    await new Promise(resolve => setTimeout(resolve, Math.min(READY_POLL_MS, Math.max(1, deadline - Date.now()))))
  }
}

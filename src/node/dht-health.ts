// Is this node's DHT routing table fit to answer lookups? A table with no peers cannot resolve
// anything; one far smaller than the peers this node is connected to means the table has not formed
// yet (joining, or pings to new peers timing out on a loaded host), and lookups may miss. Shown in
// `status` (field `dht`) and as the `dht` check of `health`.
import type { AgentLibp2p } from './libp2p.ts'
import { kadTablePeers } from './libp2p-internals.ts'

/** A routing table with this many peers can route lookups in any network we expect, in peers. */
export const HEALTHY_TABLE_SIZE = 8

export type DhtTableState = 'empty' | 'sparse' | 'ok'

export interface DhtHealth {
  mode: 'server' | 'client'
  /** Peers in the routing table. */
  routingTable: number
  /** Distinct peers connected now. */
  connectedPeers: number
  /** empty: no peer, lookups cannot work; sparse: fewer than min(8, connected peers), lookups may miss; ok. */
  state: DhtTableState
  detail: string
}

/** The verdict from the numbers alone (pure, for tests and for callers holding the numbers). */
export function assessDhtTable (mode: 'server' | 'client', routingTable: number, connectedPeers: number): DhtHealth {
  const wanted = Math.min(HEALTHY_TABLE_SIZE, connectedPeers)
  const state: DhtTableState = routingTable === 0 ? 'empty' : routingTable < wanted ? 'sparse' : 'ok'
  const detail = `${mode} mode, ${routingTable} peer(s) in the routing table` + (
    state === 'empty'
      ? ' (names and PeerId lookups cannot work yet)'
      : state === 'sparse'
        ? ` while connected to ${connectedPeers}: the table is still forming, lookups may miss`
        : '')
  return { mode, routingTable, connectedPeers, state, detail }
}

export function dhtHealth (libp2p: AgentLibp2p): DhtHealth {
  // Distinct peers: kad-dht's own size counts entries, which 16.4.5 could duplicate (libp2p-internals.ts).
  const size = kadTablePeers(libp2p.services.dht)
  const peers = new Set(libp2p.getConnections().map(c => c.remotePeer.toString())).size
  return assessDhtTable(libp2p.services.dht.getMode(), size, peers)
}

// Name resolution and PeerId lookup at 10/50/100 nodes: p50/p95 and hops.
// Missing until the work it measures exists; fill in `run` then and drop `missing`.
import type { Figure } from '../lib/figure.ts'

export const figure: Figure = {
  name: 'dht-resolve',
  unit: 'ms',
  baseline: null,
  goal: 'p50 < 20 ms at 100 nodes on loopback',
  missing: 'needs name records in the DHT and name resolution (issue 3), not built yet'
}

// Time until 95% and 100% of 50/100 nodes hold a trust report.
// Missing until the work it measures exists; fill in `run` then and drop `missing`.
import type { Figure } from '../lib/figure.ts'

export const figure: Figure = {
  name: 'gossip-propagation',
  unit: 'ms',
  baseline: null,
  goal: '100% of 100 nodes within 250 ms p99',
  missing: 'needs signed trust reports on GossipSub (issue 6), not built yet'
}

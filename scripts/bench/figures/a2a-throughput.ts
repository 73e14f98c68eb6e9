// A2A calls per second with concurrency, through agentwire and over plain HTTP.
// Missing until the work it measures exists; fill in `run` then and drop `missing`.
import type { Figure } from '../lib/figure.ts'

export const figure: Figure = {
  name: 'a2a-throughput',
  unit: 'calls/s',
  baseline: 'the same over HTTP with @a2a-js/sdk',
  goal: '≥ 1.5× HTTP',
  missing: 'needs the A2A binding over libp2p and the local gateway (issue 5), not built yet'
}

// p50 (and p99) of SendMessage through agentwire to a local agent, next to plain HTTP JSON-RPC.
// Missing until the work it measures exists; fill in `run` then and drop `missing`.
import type { Figure } from '../lib/figure.ts'

export const figure: Figure = {
  name: 'a2a-latency',
  unit: 'ms',
  baseline: 'the same agent over plain HTTP JSON-RPC with @a2a-js/sdk',
  goal: '≤ 0.75× HTTP (aim 0.5×)',
  missing: 'needs the A2A binding over libp2p and the local gateway (issue 5), not built yet'
}

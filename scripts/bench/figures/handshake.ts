// Trust request, approve, first allowed call: end to end.
// Missing until the work it measures exists; fill in `run` then and drop `missing`.
import type { Figure } from '../lib/figure.ts'

export const figure: Figure = {
  name: 'handshake',
  unit: 'ms',
  baseline: null,
  goal: 'none set',
  missing: 'needs the trust handshake and policy gate (issue 4), and an A2A call (issue 5), not built yet'
}

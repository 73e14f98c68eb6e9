// What every fuzz target gets: the nodes (a victim that trusts the attacker, a stranger it does
// not trust, an honest peer), the victim's control socket, and a way to record findings.
import type { AgentNode } from '../../src/agent-node.ts'
import type { Rng } from '../lib/rng.ts'
import type { ProbeResult } from './probe.ts'

export interface Finding {
  target: string
  /** `seed:target:index`: `npm run fuzz -- --seed S --only T` replays it. */
  caseId: string
  what: string
  detail?: string
}

export interface FuzzContext {
  victim: AgentNode
  /** Trusted by the victim (autoApprove), so its input reaches past the gate. */
  attacker: AgentNode
  /** Not trusted by the victim: exercises the gate's refusals. */
  stranger: AgentNode
  controlSocket: string
  tmpDir: string
  /** How long the victim has to end a hostile stream, in ms. */
  deadlineMs: number
  finding: (f: Omit<Finding, 'target'>) => void
  /** Before each network case: re-admit a peer the guard disconnected (and count that it did). */
  readmit: (peer: AgentNode) => Promise<void>
  /** Check a probe: the victim ended the stream; when it refused, the refusal was counted. */
  expectHandled: (caseId: string, result: ProbeResult, before: number, label: string) => Promise<void>
  /** Total refusals the victim's guard has counted so far. */
  rejections: () => number
}

export interface FuzzTarget {
  name: string
  /** Run `count` cases (fewer if `signal` aborts: the time budget ran out). Returns cases run. */
  run: (ctx: FuzzContext, rng: Rng, count: number, signal: AbortSignal, caseId: (i: number) => string) => Promise<number>
}

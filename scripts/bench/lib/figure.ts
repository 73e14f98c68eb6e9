// The shape every figure shares: one small file per figure under scripts/bench/figures/, each
// exporting a `Figure`. A figure that cannot be measured yet says why in `missing`, never a number.

export interface FigureContext {
  /** `--quick`: fewer rounds, smaller payloads, same code paths. */
  quick: boolean
  /** Progress for a person watching (stderr), never part of the result. */
  log: (message: string) => void
  /** Aborted when the figure's time budget runs out; every loop checks it. */
  signal: AbortSignal
}

/** What a figure's `run` returns; the runner adds the name, unit, baseline label and ratio. */
export interface Measurement {
  value: number
  baselineValue: number | null
  /** Figure-specific extras (p99, per-connection growth, variants); printed under the table. */
  details?: Record<string, unknown>
}

export interface Figure {
  name: string
  unit: string
  /** What the value is compared with in the same run, or null when the figure has no baseline. */
  baseline: string | null
  /** The goal in words, and how to check it against a result. */
  goal: string | null
  met?: (result: Measurement) => boolean
  /** Set when the figure depends on unfinished work: the reason, printed instead of a number. */
  missing?: string
  /** Overrides the runner's per-figure time budget, in ms (figures that build a whole network). */
  budgetMs?: { quick: number, full: number }
  run?: (ctx: FigureContext) => Promise<Measurement>
}

/** One row of `--json` output. */
export interface FigureResult {
  name: string
  value: number | null
  unit: string
  baseline: string | null
  baselineValue: number | null
  ratio: number | null
  goal: string | null
  met: boolean | null
  missing?: string
  details?: Record<string, unknown>
}

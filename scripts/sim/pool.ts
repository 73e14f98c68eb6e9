// Run simulation specs on a pool of worker threads (one per core by default), longest first so the
// 1000-agent runs do not end up alone at the tail. Rows come back in the order of the specs.
import { Worker } from 'node:worker_threads'
import type { RunSpec, Row } from './world.ts'

export async function runAll (specs: RunSpec[], jobs: number, onRow: (row: Row) => void = () => {}): Promise<Row[]> {
  const rows: Row[] = new Array(specs.length)
  const queue = specs.map((spec, index) => ({ index, spec })).sort((a, b) => cost(b.spec) - cost(a.spec))
  const workers = Array.from({ length: Math.max(1, Math.min(jobs, specs.length)) }, () => new Worker(new URL('./worker.ts', import.meta.url)))
  await Promise.all(workers.map(async w => await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      const job = queue.shift()
      if (job == null) { void w.terminate().then(() => resolve()); return }
      w.postMessage(job)
    }
    w.on('message', ({ index, row }: { index: number, row: Row }) => { rows[index] = row; onRow(row); next() })
    w.on('error', reject)
    next()
  })))
  return rows
}

/** Rough relative cost of a run: the agentwire model over a large population dominates. */
function cost (s: RunSpec): number {
  return s.agents * s.agents * s.rounds * (s.model === 'agentwire' ? 10 : 1)
}

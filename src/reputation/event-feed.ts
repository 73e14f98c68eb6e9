// What the reputation layer tells its watchers (`agentwire reputation watch`, tests): verified
// reports, our own publications, outcomes, quarantines and releases. Each watcher has its own
// bounded queue, so a slow reader loses its oldest events and never holds up the node.
import type { Outcome } from './evidence.ts'
import type { TrustReport } from './report.ts'
import { WATCH_BUFFER } from './constants.ts'

/** A report as events and the CLI show it: the signature is checked already and says nothing to a reader. */
export type ReportJson = Omit<TrustReport, 'sig'>

export type ReputationEvent =
  | { type: 'report', at: number, from: string, report: ReportJson }
  | { type: 'published', at: number, report: ReportJson }
  | { type: 'rejected', at: number, from: string, code: string, reason: string }
  | { type: 'ignored', at: number, from: string, issuer: string, code: string }
  | { type: 'outcome', at: number, peerId: string, outcome: Outcome, note?: string }
  | { type: 'quarantine', at: number, peerId: string, level: number, until: number, durationMs: number, reason: string }
  | { type: 'release', at: number, peerId: string, by: 'expiry' | 'operator' }

export function strip (r: TrustReport): ReportJson {
  const { sig: _sig, ...rest } = r
  return rest
}

export class EventFeed {
  private readonly watchers = new Set<(e: ReputationEvent) => void>()

  emit (e: ReputationEvent): void {
    for (const w of this.watchers) w(e)
  }

  /** Events until `signal` aborts or `running()` turns false; a slow reader loses the oldest events. */
  async * watch (running: () => boolean, options: { signal?: AbortSignal } = {}): AsyncGenerator<ReputationEvent> {
    const queue: ReputationEvent[] = []
    let wake: (() => void) | undefined
    const listener = (e: ReputationEvent): void => {
      queue.push(e)
      if (queue.length > WATCH_BUFFER) queue.shift()
      wake?.()
    }
    const onAbort = (): void => wake?.()
    this.watchers.add(listener)
    options.signal?.addEventListener('abort', onAbort)
    try {
      while (options.signal?.aborted !== true && running()) {
        const next = queue.shift()
        if (next != null) { yield next; continue }
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
      }
    } finally {
      this.watchers.delete(listener)
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Forget every watcher (the service stopped); their loops end at their next abort. */
  clear (): void {
    this.watchers.clear()
  }
}

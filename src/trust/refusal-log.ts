// Refusals go to the audit log summarised, never one line each: a stranger with throwaway PeerIds
// could otherwise write as many lines as it can open streams. The first refusal of a peer in an
// interval is written at once (the operator sees who knocked, and why, without waiting); the rest
// are counted and written as one `<event>.summary` line per peer when the interval ends. Peers past
// `maxPeers` in one interval share a single summary line, so the log grows by a bounded amount
// per interval whatever the number of identities.
import type { Logger } from '../log/logger.ts'
import type { AuditLog } from '../audit/index.ts'

export interface RefusalLogInit {
  /** Length of one summary interval, in ms. @default 60000 */
  intervalMs?: number
  /** Peers tracked by name per interval; more share one line. @default 256 */
  maxPeers?: number
  /** Where a summary that could not be audited is noted. @default nowhere */
  log?: Pick<Logger, 'warn'>
}

interface Tally { count: number, details: Record<string, number>, first: number, last: number }

export class RefusalLog {
  private readonly audit: Pick<AuditLog, 'append'>
  private readonly intervalMs: number
  private readonly maxPeers: number
  /** event → peer → refusals after the first in this interval. */
  private tallies = new Map<string, Map<string, Tally>>()
  /** event → refusals from peers past `maxPeers`, not written one by one. */
  private overflow = new Map<string, Tally>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly log: Pick<Logger, 'warn'> | undefined

  constructor (audit: Pick<AuditLog, 'append'>, init: RefusalLogInit = {}) {
    this.audit = audit
    this.intervalMs = init.intervalMs ?? 60_000
    this.maxPeers = init.maxPeers ?? 256
    this.log = init.log
  }

  start (): void {
    this.timer = setInterval(() => { void this.flush().catch((err: unknown) => { this.log?.warn({ err }, 'could not audit refusal summaries') }) }, this.intervalMs)
    this.timer.unref?.()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.flush().catch((err: unknown) => { this.log?.warn({ err }, 'could not audit refusal summaries at stop') })
  }

  /**
   * Record one refusal. `detail` is what the summary counts by (an error code, a protocol).
   * Resolves once a line, if one is due, is on disk.
   */
  async record (event: string, peer: string, detail: string, fields: Record<string, unknown>): Promise<void> {
    let peers = this.tallies.get(event)
    if (peers == null) this.tallies.set(event, peers = new Map<string, Tally>())
    const now = Date.now()
    const seen = peers.get(peer)
    if (seen != null) {
      count(seen, detail, now)
      return
    }
    if (peers.size >= this.maxPeers) {
      let other = this.overflow.get(event)
      if (other == null) this.overflow.set(event, other = { count: 0, details: {}, first: now, last: now })
      count(other, detail, now)
      return
    }
    peers.set(peer, { count: 0, details: {}, first: now, last: now })
    await this.audit.append(event, { peer, ...fields })
  }

  /** Write the summary lines of the interval that ends now, and start a new one. */
  async flush (): Promise<void> {
    const tallies = this.tallies
    const overflow = this.overflow
    this.tallies = new Map()
    this.overflow = new Map()
    for (const [event, peers] of tallies) {
      for (const [peer, t] of peers) {
        if (t.count > 0) await this.audit.append(`${event}.summary`, { peer, more: t.count, by: t.details, from: iso(t.first), to: iso(t.last) })
      }
    }
    for (const [event, t] of overflow) {
      await this.audit.append(`${event}.summary`, { otherPeers: true, more: t.count, by: t.details, from: iso(t.first), to: iso(t.last) })
    }
  }
}

function count (t: Tally, detail: string, now: number): void {
  t.count++
  t.last = now
  // The details are codes and protocol ids we chose or registered, a small set; still capped.
  if (t.details[detail] != null || Object.keys(t.details).length < 16) t.details[detail] = (t.details[detail] ?? 0) + 1
}

const iso = (ms: number): string => new Date(ms).toISOString()

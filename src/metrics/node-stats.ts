// What the operator sees in `status`, `health` and Prometheus: counts of what happened, kept in
// memory since start. Most come from the audit log's stream of events, so every audited decision
// is counted once, in one place.
import type { AuditEntry } from '../audit/index.ts'

/** How many recent refusals `status` shows. */
const RECENT_REFUSALS = 10

export interface Refusal { ts: string, event: string, peer?: string, reason: string }

export class NodeStats {
  /** Audit events by name (`gate.refused`, `a2a.call`, `handshake.refused`, …). */
  readonly events = new Map<string, number>()
  /** Refusals by reason code (gate, handshake and A2A), the "fuzz-style rejections by reason". */
  readonly rejections = new Map<string, number>()
  /** Outcomes of this node's own outbound A2A calls. */
  readonly outcomes = new Map<string, number>()
  readonly recentRefusals: Refusal[] = []

  recordAudit (entry: AuditEntry): void {
    // Repeated refusals are audited as one `<event>.summary` line with a count (trust/refusal-log.ts):
    // count each of them as the event it stands for, so status and Prometheus lose nothing.
    if (entry.event.endsWith('.summary') && typeof entry.more === 'number') {
      const event = entry.event.slice(0, -'.summary'.length)
      this.events.set(event, (this.events.get(event) ?? 0) + entry.more)
      // A gate refusal is always NOT_TRUSTED (its summary counts by protocol); a handshake's by code.
      if (event === 'gate.refused') this.rejections.set('NOT_TRUSTED', (this.rejections.get('NOT_TRUSTED') ?? 0) + entry.more)
      else if (event.endsWith('.refused') && entry.by != null && typeof entry.by === 'object') {
        for (const [reason, n] of Object.entries(entry.by as Record<string, number>)) this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + n)
      }
      return
    }
    this.events.set(entry.event, (this.events.get(entry.event) ?? 0) + 1)
    if (entry.event === 'gate.refused' || entry.event.endsWith('.refused')) {
      const reason = typeof entry.code === 'string' ? entry.code : entry.event === 'gate.refused' ? 'NOT_TRUSTED' : 'REFUSED'
      this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1)
      this.recentRefusals.push({ ts: entry.ts, event: entry.event, ...(entry.peer != null ? { peer: entry.peer } : {}), reason: typeof entry.protocol === 'string' ? `${reason} (${entry.protocol})` : reason })
      if (this.recentRefusals.length > RECENT_REFUSALS) this.recentRefusals.shift()
    }
  }

  recordOutcome (outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1)
  }

  count (event: string): number {
    return this.events.get(event) ?? 0
  }
}

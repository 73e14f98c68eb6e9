// Quarantine: a peer refused and disconnected for a period that doubles each time it is sent back.
// After a quarantine ends (or is lifted) only evidence newer than the release can send it back, so
// an old record does not re-quarantine a peer the moment it comes out.

export interface QuarantineRecord {
  peerId: string
  /** 1 for the first quarantine, 2 for the second…; the duration doubles per level. */
  level: number
  /** ms since the epoch */
  since: number
  until: number
  durationMs: number
  reason: string
  /** Set when the quarantine ended (expiry or lift); null while it holds. */
  releasedAt: number | null
  /** How it ended. */
  releasedBy?: 'expiry' | 'operator'
}

export interface QuarantineParams {
  /** First quarantine, in ms. */
  baseMs: number
  /** Longest quarantine, in ms. */
  maxMs: number
}

export class QuarantineBook {
  private readonly records = new Map<string, QuarantineRecord>()
  private readonly params: QuarantineParams

  constructor (params: QuarantineParams) {
    this.params = params
  }

  get (peerId: string): QuarantineRecord | undefined {
    return this.records.get(peerId)
  }

  isActive (peerId: string, now: number): boolean {
    const r = this.records.get(peerId)
    return r != null && r.releasedAt == null && r.until > now
  }

  /** Whether evidence as new as `latestEvidenceAt` may (re)start a quarantine. */
  mayEnter (peerId: string, latestEvidenceAt: number, now: number): boolean {
    const r = this.records.get(peerId)
    if (r == null) return true
    if (r.releasedAt == null) return r.until <= now && latestEvidenceAt > r.until
    return latestEvidenceAt > r.releasedAt
  }

  enter (peerId: string, reason: string, now: number): QuarantineRecord {
    const level = (this.records.get(peerId)?.level ?? 0) + 1
    const durationMs = Math.min(this.params.maxMs, this.params.baseMs * 2 ** Math.min(level - 1, 40))
    const r: QuarantineRecord = { peerId, level, since: now, until: now + durationMs, durationMs, reason, releasedAt: null }
    this.records.set(peerId, r)
    return r
  }

  /** End quarantines whose time is up; returns them. */
  expire (now: number): QuarantineRecord[] {
    const ended: QuarantineRecord[] = []
    for (const r of this.records.values()) {
      if (r.releasedAt == null && r.until <= now) {
        r.releasedAt = r.until
        r.releasedBy = 'expiry'
        ended.push(r)
      }
    }
    return ended
  }

  /** End a quarantine now, by the operator's decision. Returns the record, or undefined if none held. */
  lift (peerId: string, now: number): QuarantineRecord | undefined {
    const r = this.records.get(peerId)
    if (r == null || r.releasedAt != null || r.until <= now) return undefined
    r.releasedAt = now
    r.until = now
    r.releasedBy = 'operator'
    return r
  }

  active (now: number): QuarantineRecord[] {
    return [...this.records.values()].filter(r => r.releasedAt == null && r.until > now)
  }

  all (): QuarantineRecord[] {
    return [...this.records.values()]
  }

  restore (r: QuarantineRecord): void {
    this.records.set(r.peerId, r)
  }
}

// Our recent reports, and which peers GossipSub handed each one to: a peer that joins the topic (or
// announces it again) without having been handed one of them gets it again.
//
// Found in the flood test's traces (issue 17): a report published while a peer was connected but
// not (or no longer) among GossipSub's subscribers of the topic — its subscription RPC lost or
// dropped, its old connection's disconnect processed after the new connection opened — went to the
// other peers only, and nothing ever repaired it: the peer was grafted into the mesh ~200 ms later,
// and GossipSub gossips (IHAVE) only to peers outside the mesh, for three heartbeats. The next
// republication is an hour away. Re-publishing the same signed bytes costs one small message; every
// node that already holds the report drops it as a replay (STALE_SEQ: ignored, never penalised).
import { RESEND_ATTEMPTS, RESEND_KEEP, RESEND_WINDOW_MS } from './constants.ts'

interface Sent {
  data: Uint8Array
  at: number
  /** Peers GossipSub handed it to, on the connection they still have. */
  to: Set<string>
  resent: number
}

export class RecentPublications {
  /** Keyed by subject: a newer report about the same subject replaces the older one. */
  private readonly sent = new Map<string, Sent>()

  /** We published `data` (our report about `subject`) and GossipSub handed it to `recipients`. */
  published (subject: string, data: Uint8Array, recipients: string[], now: number): void {
    this.sent.delete(subject)
    this.sent.set(subject, { data, at: now, to: new Set(recipients), resent: 0 })
    if (this.sent.size > RESEND_KEEP) {
      const oldest = this.sent.keys().next()
      if (oldest.done !== true) this.sent.delete(oldest.value)
    }
  }

  /** A peer's connections all closed: what was in flight to it may be lost. */
  disconnected (peer: string): void {
    for (const s of this.sent.values()) s.to.delete(peer)
  }

  /** `peer` says it listens on the topic: our recent reports it was not handed, to publish again. */
  missedBy (peer: string, now: number): Array<{ subject: string, data: Uint8Array }> {
    const out: Array<{ subject: string, data: Uint8Array }> = []
    for (const [subject, s] of this.sent) {
      if (now - s.at > RESEND_WINDOW_MS) { this.sent.delete(subject); continue }
      if (s.to.has(peer) || s.resent >= RESEND_ATTEMPTS) continue
      s.resent++
      out.push({ subject, data: s.data })
    }
    return out
  }

  /** A re-publication of our report about `subject` was handed to `recipients`. */
  resent (subject: string, data: Uint8Array, recipients: string[]): void {
    const s = this.sent.get(subject)
    if (s?.data !== data) return
    for (const p of recipients) s.to.add(p)
  }

  clear (): void {
    this.sent.clear()
  }
}

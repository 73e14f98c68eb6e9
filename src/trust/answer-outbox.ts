// Our answers (approve, reject, revoke) that have not reached the peer yet. An operator may decide
// while the peer is offline: the answer waits in the peer's trust record (so it survives a restart)
// and is delivered at the next contact, or by a periodic retry.
import type { PeerId } from '@libp2p/interface'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import type { TrustStore } from './trust-store.ts'
import type { HandshakeEndpoint } from './handshake-endpoint.ts'
import { toErrorBody } from '../errors.ts'

/** How often undelivered answers are retried, in ms. */
const OUTBOX_RETRY_MS = 30_000

/** Answers from a peer we never asked, and that never approved us, are refused with this code. */
export const UNSOLICITED_ANSWER = 'UNSOLICITED_ANSWER'

export interface AnswerOutboxComponents {
  libp2p: AgentLibp2p
  store: TrustStore
  audit: AuditLog
  log: Logger
  endpoint: Pick<HandshakeEndpoint, 'sign' | 'send'>
  resolvePeer: (target: string, signal?: AbortSignal) => Promise<PeerId>
}

export class AnswerOutbox {
  private readonly c: AnswerOutboxComponents
  private retryTimer: ReturnType<typeof setInterval> | undefined

  constructor (components: AnswerOutboxComponents) {
    this.c = components
  }

  start (): void {
    this.retryTimer = setInterval(() => { for (const r of this.c.store.all()) if (r.outbox?.length) void this.deliver(r.peerId, true) }, OUTBOX_RETRY_MS)
    this.retryTimer.unref?.()
  }

  stop (): void {
    clearInterval(this.retryTimer)
  }

  /**
   * Deliver queued answers to a peer; quiet unless `dial` (otherwise only when already connected).
   * Each try is signed anew (fresh nonce and time): a message signed once and retried would be
   * refused as stale once the peer had been away longer than the clock window, forever.
   */
  async deliver (peer: string, dial = false, signal?: AbortSignal): Promise<void> {
    const record = this.c.store.get(peer)
    if (record?.outbox == null || record.outbox.length === 0) return
    const connected = this.c.libp2p.getConnections().some(c => c.remotePeer.toString() === peer)
    if (!connected && !dial) return
    for (const item of record.outbox) {
      const message = await this.c.endpoint.sign(item.kind, peer)
      let dropped: string | undefined
      try {
        await this.c.endpoint.send((await this.c.resolvePeer(peer)), message, signal)
      } catch (err) {
        const { code, message } = toErrorBody(err)
        // The peer never asked us and never approved us: it will refuse this answer every time.
        if (code !== UNSOLICITED_ANSWER) {
          this.c.log.debug({ peer, err: message }, 'answer not delivered yet; will retry')
          return
        }
        dropped = code
      }
      const now = this.c.store.getOrNew(peer)
      await this.c.store.put({ ...now, outbox: (now.outbox ?? []).filter(m => m.id !== item.id) })
      if (dropped != null) await this.c.audit.append('handshake.answer.unwanted', { peer, kind: item.kind, answer: item.id })
      else await this.c.audit.append('handshake.answer.delivered', { peer, kind: item.kind, answer: item.id, nonce: message.body.nonce })
    }
  }
}

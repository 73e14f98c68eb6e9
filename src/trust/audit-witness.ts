// Trusted peers witness our audit chain head. Someone holding the data dir holds the key, so they
// could rewrite the log, recompute the chain and sign a new head; what they cannot reach is the
// copies our trusted peers keep. Every interval each connected trusted peer is sent our newest
// signed head and keeps a few checkpoints from us, spread over our history, not only the newest (a
// rewrite changes every hash after the edit, so any kept checkpoint past it exposes it, even once
// the rewritten log's new heads have arrived too). `/agentwire/audit-witness/1.0.0` is gated:
// strangers can neither store checkpoints here nor read them. `agentwire audit --verify
// --witnesses` asks each witness for its copies and checks the log still holds those exact entries.
import { messageOf } from '../caught.ts'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog, SignedHead } from '../audit/index.ts'
import { isSignedHead, verifyHead } from '../audit/index.ts'
import type { Logger } from '../log/logger.ts'
import { jsonStream, throwIfErrorFrame } from '../node/json-stream.ts'
import type { z } from 'zod'
import { witnessFrameSchema, witnessReplySchema, type WitnessFrame } from './frames.ts'
import type { Gate } from './gate.ts'
import {
  AUDIT_WITNESS_PROTOCOL, MAX_CHECKPOINTS_PER_PEER, MAX_WITNESS_BYTES, MAX_WITNESS_STREAMS, WITNESS_INTERVAL_MS, WITNESS_PREFIX, WITNESS_TIMEOUT_MS
} from './constants.ts'

export interface WitnessComponents {
  libp2p: AgentLibp2p
  datastore: Datastore
  audit: AuditLog
  gate: Gate
  log: Logger
  /**
   * Peers whose checkpoints we keep and who keep ours: mutually trusted ones only (not everyone an
   * `open` policy admits, or strangers could fill our datastore with their checkpoints).
   */
  isWitness: (peerId: string) => boolean
}

export interface WitnessInit {
  /** How often our head is sent to connected trusted peers, in ms; 0 turns sending off. @default 300000 */
  intervalMs?: number
}

/** What one witness said about our log, for `audit --verify --witnesses`. */
export interface WitnessAnswer {
  peer: string
  /** The checkpoints it keeps of our head, oldest first (none when it never got one). */
  checkpoints: SignedHead[]
  /** Why it could not be asked. */
  error?: string
}

export class AuditWitness {
  private readonly c: WitnessComponents
  private readonly intervalMs: number
  private timer: ReturnType<typeof setInterval> | undefined
  /** The seq last sent to each peer, so an idle log is not sent again and again. */
  private readonly sent = new Map<string, number>()

  constructor (components: WitnessComponents, init: WitnessInit = {}) {
    this.c = components
    this.intervalMs = init.intervalMs ?? WITNESS_INTERVAL_MS
  }

  async start (): Promise<void> {
    await this.c.gate.handle(AUDIT_WITNESS_PROTOCOL, async (stream, connection) => await this.serve(stream, connection), {
      maxInboundStreams: MAX_WITNESS_STREAMS,
      maxOutboundStreams: MAX_WITNESS_STREAMS,
      runOnLimitedConnection: true
    })
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => { void this.publish().catch((err: unknown) => { this.c.log.debug({ err }, 'could not send our audit head to witnesses') }) }, this.intervalMs)
      this.timer.unref?.()
    }
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.c.gate.unhandle(AUDIT_WITNESS_PROTOCOL).catch((err: unknown) => { this.c.log.debug({ err }, 'could not unregister the audit witness protocol') })
  }

  /** Send our newest head to every connected trusted peer that has not seen it yet. */
  async publish (): Promise<number> {
    const head = this.c.audit.currentHead()
    if (head == null) return 0
    let told = 0
    const peers = new Map<string, PeerId>()
    for (const conn of this.c.libp2p.getConnections()) if (conn.status === 'open') peers.set(conn.remotePeer.toString(), conn.remotePeer)
    for (const [peer, peerId] of peers) {
      if (!this.c.isWitness(peer) || (this.sent.get(peer) ?? 0) >= head.seq) continue
      try {
        await this.exchange(peerId, { kind: 'checkpoint', head })
        this.sent.set(peer, head.seq)
        told++
      } catch (err) {
        this.c.log.debug({ peer, err: messageOf(err) }, 'audit head not witnessed by this peer')
      }
    }
    return told
  }

  /** Ask every connected trusted peer for the checkpoint of our head it keeps. */
  async collect (signal?: AbortSignal): Promise<WitnessAnswer[]> {
    const peers = new Map<string, PeerId>()
    for (const conn of this.c.libp2p.getConnections()) if (conn.status === 'open') peers.set(conn.remotePeer.toString(), conn.remotePeer)
    const answers = await Promise.all([...peers].filter(([peer]) => this.c.isWitness(peer)).map(async ([peer, peerId]): Promise<WitnessAnswer> => {
      try {
        const reply = await this.exchange(peerId, { kind: 'get' }, signal)
        return { peer, checkpoints: 'checkpoints' in reply ? reply.checkpoints : [] }
      } catch (err) {
        return { peer, checkpoints: [], error: messageOf(err) }
      }
    }))
    return answers.sort((a, b) => a.peer.localeCompare(b.peer))
  }

  /**
   * A stream on the connection already open to the peer (one without relay limits first), dialling
   * only when there is none: libp2p's dialProtocol(peerId) never reuses a connection that carries
   * relay limits, so to a peer behind a relay every exchange dialled a second circuit, which libp2p
   * then closed as a duplicate (the cost src/dial/ping-over.ts removed for pings; docs/nat.md).
   */
  private async openStream (peerId: PeerId, signal: AbortSignal): Promise<Stream> {
    const open = this.c.libp2p.getConnections(peerId).filter(c => c.status === 'open')
    const conn = open.find(c => c.limits == null) ?? open[0]
    if (conn != null) return await conn.newStream(AUDIT_WITNESS_PROTOCOL, { signal, runOnLimitedConnection: true })
    return await this.c.libp2p.dialProtocol(peerId, AUDIT_WITNESS_PROTOCOL, { signal, runOnLimitedConnection: true })
  }

  private async exchange (peerId: PeerId, frame: WitnessFrame, signal?: AbortSignal): Promise<z.output<typeof witnessReplySchema>> {
    const timeout = AbortSignal.timeout(WITNESS_TIMEOUT_MS)
    const combined = signal != null ? AbortSignal.any([signal, timeout]) : timeout
    const stream = await this.openStream(peerId, combined)
    const framed = jsonStream(stream, { maxBytes: MAX_WITNESS_BYTES, readTimeoutMs: WITNESS_TIMEOUT_MS })
    try {
      await framed.write(frame)
      const reply = await framed.read(witnessReplySchema, { signal: combined })
      if (reply == null) throw new Error('the witness closed the stream without answering')
      throwIfErrorFrame(reply)
      return reply
    } finally {
      await stream.close().catch(() => { stream.abort(new Error('closing')) })
    }
  }

  /** The witness side: keep a trusted peer's newest head, or give back the one we keep. */
  private async serve (stream: Stream, connection: Connection): Promise<string | undefined> {
    const peer = connection.remotePeer.toString()
    const framed = jsonStream(stream, { maxBytes: MAX_WITNESS_BYTES, readTimeoutMs: WITNESS_TIMEOUT_MS })
    if (!this.c.isWitness(peer)) {
      await framed.writeError({ code: 'NOT_TRUSTED', message: 'only mutually trusted peers witness each other\'s audit heads', hint: 'both sides approve each other first (agentwire trust request / approve)' })
      await stream.close()
      return undefined
    }
    const frame = await framed.read(witnessFrameSchema)
    const key = new Key(WITNESS_PREFIX + peer)
    const kept = await this.kept(key)
    if (frame?.kind === 'get') {
      await framed.write({ checkpoints: kept })
      await stream.close()
      return undefined
    }
    if (frame?.kind !== 'checkpoint' || !(await verifyHead(frame.head, peer))) {
      await framed.writeError({ code: 'BAD_CHECKPOINT', message: 'not a chain head signed by the sender' })
      await stream.close()
      return 'BAD_CHECKPOINT'
    }
    // Older copies stay: after a rewrite they are the evidence. A head not past the newest we keep
    // adds nothing (and one behind it is what a rewrite looks like: the older copy wins).
    const newest = kept.at(-1)
    if (newest == null || frame.head.seq > newest.seq) await this.c.datastore.put(key, fromString(JSON.stringify(thin([...kept, frame.head]))))
    await framed.write({ ok: true, kept: Math.max(newest?.seq ?? 0, frame.head.seq) })
    await stream.close()
    return undefined
  }

  private async kept (key: Key): Promise<SignedHead[]> {
    try {
      const value: unknown = JSON.parse(toString(await this.c.datastore.get(key)))
      return Array.isArray(value) ? value.filter(isSignedHead) : []
    } catch {
      return []
    }
  }
}

/**
 * Keep at most `MAX_CHECKPOINTS_PER_PEER`, spread over the history: while over, drop the inner one
 * whose neighbours are closest together. The oldest and the newest always stay.
 */
function thin (checkpoints: SignedHead[]): SignedHead[] {
  const out = [...checkpoints]
  while (out.length > MAX_CHECKPOINTS_PER_PEER) {
    let drop = 1
    for (let i = 2; i < out.length - 1; i++) if (out[i + 1].seq - out[i - 1].seq < out[drop + 1].seq - out[drop - 1].seq) drop = i
    out.splice(drop, 1)
  }
  return out
}

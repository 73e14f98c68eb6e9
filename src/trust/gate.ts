// The gate: the one door every application protocol comes in through. A protocol registered here
// only ever sees streams from peers the trust policy admits; everyone else gets a NOT_TRUSTED
// error frame that says how to ask, and the refusal is audited. Every stream first passes the
// peer guard (rates, in-progress caps, bans); a handler may return an error code to have its
// peer struck for bad input. Refusals are audited summarised (see refusal-log.ts), so throwaway
// identities cannot grow the log one line per stream.
import type { Connection, Stream, StreamHandlerOptions } from '@libp2p/interface'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import type { PeerGuard } from '../guard/peer-guard.ts'
import { jsonStream } from '../node/json-stream.ts'
import { toErrorBody } from '../errors.ts'
import { asError } from '../caught.ts'
import { NotTrustedError } from './errors.ts'
import type { RefusalLog } from './refusal-log.ts'

export interface GateComponents {
  libp2p: AgentLibp2p
  audit: AuditLog
  /** Admission and strikes per peer. */
  guard: PeerGuard
  /** Where refusals are audited, summarised per peer and interval. */
  refusals: RefusalLog
  /** The trust policy's verdict for a PeerId. */
  isAllowed: (peerId: string) => boolean
  /** Counts refusals for metrics and `status`. */
  onRefused?: (peerId: string, protocol: string) => void
}

/**
 * A gated protocol's handler. It may return the error code of a refusal caused by the peer's input
 * (a malformed frame, a bad signature); the gate then strikes the peer.
 */
export type GatedHandler = (stream: Stream, connection: Connection) => void | string | undefined | Promise<void | string | undefined>

export interface GateOptions extends Pick<StreamHandlerOptions, 'maxInboundStreams' | 'maxOutboundStreams' | 'runOnLimitedConnection'> {
  /**
   * Serve every peer the guard admits, trusted or not (a public AgentCard): the guard's rates and
   * bans still apply, the trust policy does not. @default false
   */
  public?: boolean
  /**
   * The stream carries many requests and the handler admits each through `admit` (the A2A session):
   * the stream itself is admitted like any other, then its slot is freed at once. @default false
   */
  perCall?: boolean
}

/** One admitted request: call `done` once it is finished, with the code of the peer's offence if any. */
export interface GatedCall {
  done: (offence?: string) => void
}

export class Gate {
  private readonly components: GateComponents
  /** Connections whose acceptance for a protocol is already audited: one line per connection, not per stream. */
  private readonly audited = new WeakMap<Connection, Set<string>>()

  constructor (components: GateComponents) {
    this.components = components
  }

  async handle (protocol: string, handler: GatedHandler, options: GateOptions): Promise<void> {
    await this.components.libp2p.handle(protocol, async (stream, connection) => {
      let admitted: GatedCall
      try {
        admitted = await this.admit(connection, protocol, options)
      } catch (err) {
        await refuse(stream, err)
        return
      }
      // A long-lived stream that carries many calls (the A2A session) admits each call itself; its
      // own slot would otherwise count against the peer's in-progress cap for the stream's life.
      if (options.perCall === true) admitted.done()
      try {
        const offence = await handler(stream, connection)
        if (options.perCall !== true) admitted.done(typeof offence === 'string' ? offence : undefined)
      } catch (err) {
        // A handler that throws is a bug of ours, but the input that triggered it is the peer's.
        admitted.done('HANDLER_ERROR')
        stream.abort(asError(err))
      }
    }, {
      maxOutboundStreams: options.maxOutboundStreams,
      runOnLimitedConnection: options.runOnLimitedConnection,
      // libp2p resets streams past this limit silently, before any handler sees them, so a flooder
      // would never be struck. Let them through to the guard, whose per-peer cap refuses and counts them.
      maxInboundStreams: Math.max(options.maxInboundStreams ?? 0, this.components.guard.limits.maxStreamsPerPeer * 2)
    })
  }

  /**
   * Admit one request from the peer on `connection` exactly as a new stream of `protocol` is
   * admitted: the guard's rate, in-progress cap and ban, then the trust policy (unless `public`),
   * then the once-per-connection `gate.accepted` line. Throws the refusal (already counted, struck
   * and audited as for a stream); the caller answers it. `done` ends the request (striking the peer
   * when given the code of an offence) and frees its slot.
   */
  async admit (connection: Connection, protocol: string, options: Pick<GateOptions, 'public'> = {}): Promise<GatedCall> {
    const { libp2p, audit, guard, isAllowed } = this.components
    const peer = connection.remotePeer.toString()
    let admission
    try {
      admission = guard.admit(peer)
    } catch (err) {
      // Counted (and struck) by the guard; not audited, so a flood cannot fill the log.
      this.components.onRefused?.(peer, protocol)
      throw err
    }
    try {
      if (options.public !== true && !isAllowed(peer)) {
        this.components.onRefused?.(peer, protocol)
        guard.strike(peer, 'NOT_TRUSTED')
        await this.components.refusals.record('gate.refused', peer, protocol, { protocol })
        throw new NotTrustedError(peer, protocol, libp2p.peerId.toString())
      }
      let seen = this.audited.get(connection)
      if (seen == null) this.audited.set(connection, seen = new Set())
      if (!seen.has(protocol)) {
        seen.add(protocol)
        await audit.append('gate.accepted', { peer, protocol })
      }
    } catch (err) {
      admission.release()
      throw err
    }
    return {
      done: (offence?: string) => {
        if (offence != null) guard.strike(peer, offence)
        admission.release()
      }
    }
  }

  /** Strike `peer` for an offence found outside one admitted request (a session frame that broke the protocol). */
  strike (peer: string, code: string): void {
    this.components.guard.strike(peer, code)
  }

  async unhandle (protocol: string): Promise<void> {
    await this.components.libp2p.unhandle(protocol)
  }
}

/** Answer a refused stream with an error frame and close it; reset it if even that fails. */
async function refuse (stream: Stream, err: unknown): Promise<void> {
  try {
    await jsonStream(stream, { maxBytes: 1024 }).writeError(toErrorBody(err))
    await stream.close()
  } catch {
    // The peer is gone or its stream broke: a reset is the only answer left.
    stream.abort(asError(err))
  }
}

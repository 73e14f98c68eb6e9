// The gate: the one door every application protocol comes in through. A protocol registered here
// only ever sees streams from peers the trust policy admits; everyone else gets a NOT_TRUSTED
// error frame that says how to ask, and the refusal is audited.
import type { Connection, Stream, StreamHandlerOptions } from '@libp2p/interface'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { AuditLog } from '../audit/index.ts'
import { jsonStream } from '../node/json-stream.ts'
import { toErrorBody } from '../errors.ts'
import { NotTrustedError } from './errors.ts'

export interface GateComponents {
  libp2p: AgentLibp2p
  audit: AuditLog
  /** The trust policy's verdict for a PeerId. */
  isAllowed: (peerId: string) => boolean
  /** Counts refusals for metrics and `status`. */
  onRefused?: (peerId: string, protocol: string) => void
}

export type GatedHandler = (stream: Stream, connection: Connection) => void | Promise<void>

export interface GateOptions extends Pick<StreamHandlerOptions, 'maxInboundStreams' | 'maxOutboundStreams' | 'runOnLimitedConnection'> {}

export class Gate {
  private readonly components: GateComponents
  /** Connections whose acceptance for a protocol is already audited: one line per connection, not per stream. */
  private readonly audited = new WeakMap<Connection, Set<string>>()

  constructor (components: GateComponents) {
    this.components = components
  }

  async handle (protocol: string, handler: GatedHandler, options: GateOptions): Promise<void> {
    const { libp2p, audit, isAllowed } = this.components
    await libp2p.handle(protocol, async (stream, connection) => {
      const peer = connection.remotePeer.toString()
      if (!isAllowed(peer)) {
        this.components.onRefused?.(peer, protocol)
        await audit.append('gate.refused', { peer, protocol })
        const err = new NotTrustedError(peer, protocol, libp2p.peerId.toString())
        try {
          await jsonStream(stream, { maxBytes: 1024 }).writeError(toErrorBody(err))
          await stream.close()
        } catch {
          stream.abort(err)
        }
        return
      }
      let seen = this.audited.get(connection)
      if (seen == null) this.audited.set(connection, seen = new Set())
      if (!seen.has(protocol)) {
        seen.add(protocol)
        await audit.append('gate.accepted', { peer, protocol })
      }
      await handler(stream, connection)
    }, options)
  }

  async unhandle (protocol: string): Promise<void> {
    await this.components.libp2p.unhandle(protocol)
  }
}

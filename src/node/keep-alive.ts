// Keep-alive pings, one side per connection. libp2p's connection monitor pings every connection from
// both ends every interval: two pings (each a new stream, protocol negotiation, 32 bytes each way,
// on both nodes) where one proves the same thing — the peer answered, so both ends and the path
// between them are alive. In a settled network most of an idle node's CPU went to these (issue 21,
// scripts/idle-profile.ts). Here a node pings a connection only when the peer has not pinged it
// within the interval (with slack for timer drift): between two agentwire nodes one side ends up
// pinging, the other answering. A peer that goes silent is still found: its pings stop, so ours
// start, and one that is not answered in time closes the connection, as libp2p's did. Each side
// still pings every connection once, first, so each knows its rtt (for `peers`).
import type { ComponentLogger, Connection, Logger, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { byteStream } from '@libp2p/utils'
import { withComponentMethod } from './libp2p-internals.ts'
import { PING_PROTOCOL } from './constants.ts'

/** Bytes in a ping (libp2p's ping protocol: the peer echoes exactly these back). */
const PING_LENGTH = 32
/**
 * A peer's ping counts as ours if it came within this many intervals: its timer fires once per
 * interval, late on a busy host (event-loop lag of a second was seen with 1 s intervals in tests,
 * load 12), so a ping a little over one interval old is the normal case. A silent peer is found
 * within (PINGED_SLACK + 1) intervals plus the ping timeout.
 */
const PINGED_SLACK = 2

export interface KeepAliveInit {
  /** How often each connection is looked at, in ms. */
  intervalMs: number
  /** A ping not answered within this closes the connection, in ms. */
  timeoutMs: number
  /** Ping every connection every interval even when the peer pings it (libp2p's own behaviour). @default false */
  bothSides?: boolean
}

/** The libp2p components the keeper uses. */
export interface KeepAliveComponents {
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  logger: ComponentLogger
}

export class KeepAlive {
  private readonly init: KeepAliveInit
  private components: KeepAliveComponents | undefined
  private log: Logger | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private stopping = new AbortController()
  /** When the peer last pinged us on a connection. */
  private readonly pingedAt = new WeakMap<Connection, number>()
  /** Connections we pinged at least once (to learn their rtt). */
  private readonly measured = new WeakSet<Connection>()
  /** Pings sent and skipped since start, for tests and the bench. */
  readonly counts = { sent: 0, skipped: 0, failed: 0, answered: 0 }

  constructor (init: KeepAliveInit) {
    this.init = init
  }

  /** Wraps the ping service so that each ping a peer sends us is noted against its connection. */
  observe<C extends { registrar: Registrar }, S> (pingService: (components: C) => S): (components: C) => S {
    return withComponentMethod(pingService, 'registrar', 'handle', original =>
      async (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) =>
        await original(protocol, protocol === PING_PROTOCOL
          ? async (stream: Stream, connection: Connection) => {
            this.pingedAt.set(connection, Date.now())
            this.counts.answered++
            await handler(stream, connection)
          }
          : handler, options))
  }

  /** The keeper as a libp2p service (started and stopped with the node): `services: { keepAlive: keeper.service() }`. */
  service (): (components: KeepAliveComponents) => KeepAlive {
    return (components) => {
      this.components = components
      this.log = components.logger.forComponent('agentwire:keep-alive')
      return this
    }
  }

  start (): void {
    clearInterval(this.timer)
    this.stopping = new AbortController()
    this.timer = setInterval(() => { this.tick() }, this.init.intervalMs)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
    this.stopping.abort()
  }

  private tick (): void {
    const now = Date.now()
    for (const conn of this.components?.connectionManager.getConnections() ?? []) {
      if (conn.status !== 'open') continue
      const pinged = this.pingedAt.get(conn)
      if (this.init.bothSides !== true && this.measured.has(conn) && pinged != null && now - pinged < this.init.intervalMs * PINGED_SLACK) {
        this.counts.skipped++
        continue
      }
      this.measured.add(conn)
      this.counts.sent++
      void this.ping(conn)
    }
  }

  private async ping (conn: Connection): Promise<void> {
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.init.timeoutMs)])
    let stream: Stream | undefined
    try {
      stream = await conn.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
      const bytes = byteStream(stream)
      const data = crypto.getRandomValues(new Uint8Array(PING_LENGTH))
      const start = performance.now()
      const [, echo] = await Promise.all([bytes.write(data, { signal }), bytes.read({ bytes: PING_LENGTH, signal })])
      conn.rtt = performance.now() - start
      const got = echo.subarray()
      if (got.length !== PING_LENGTH || got.some((b, i) => b !== data[i])) throw new Error('wrong ping echo')
      await stream.close({ signal })
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
      if (this.stopping.signal.aborted) return
      // Not ours to judge: a peer without our ping protocol still answered the negotiation.
      if (err instanceof Error && err.name === 'UnsupportedProtocolError') return
      this.counts.failed++
      this.log?.('keep-alive ping to %p failed, closing the connection - %s', conn.remotePeer, err instanceof Error ? err.message : String(err))
      conn.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}

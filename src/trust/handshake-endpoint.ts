// The handshake protocol on the wire: sending one signed message and reading its one reply, and
// serving inbound messages. Everything a stranger can send is checked here before the trust
// service sees it: the guard admits the stream, the frame has the handshake's shape, the signature
// is the sender's, the message is addressed to us, fresh and not a replay. What the message then
// means for the trust records is the service's `apply`.
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import type { AgentLibp2p } from '../node/libp2p.ts'
import type { Logger } from '../log/logger.ts'
import type { NonceGuard } from '../guard/nonce-guard.ts'
import type { PeerGuard } from '../guard/peer-guard.ts'
import type { RefusalLog } from './refusal-log.ts'
import { AgentwireError, toErrorBody } from '../errors.ts'
import { asError } from '../caught.ts'
import { jsonStream, throwIfErrorFrame } from '../node/json-stream.ts'
import { addressKey } from '../guard/address-key.ts'
import { signHandshake, verifyHandshake, type HandshakeBody, type HandshakeKind, type SignedHandshake } from './messages.ts'
import { HandshakeRefusedError } from './errors.ts'
import { handshakeReplySchema, signedHandshakeSchema } from './frames.ts'
import { HANDSHAKE_PROTOCOL, HANDSHAKE_TIMEOUT_MS, MAX_HANDSHAKE_BYTES, MAX_HANDSHAKE_STREAMS } from './constants.ts'

/** What a handshake message is answered with when it was taken. */
export interface HandshakeAccepted { ok: true, state: string }

export interface HandshakeEndpointComponents {
  libp2p: AgentLibp2p
  peerId: PeerId
  privateKey: PrivateKey
  log: Logger
  nonces: NonceGuard
  guard: PeerGuard
  refusals: RefusalLog
  /** Connect to a peer, looking it up in the DHT if needed. */
  dial: (peerId: PeerId, signal?: AbortSignal) => Promise<Connection>
  /**
   * Apply a verified message from the connection's peer; `from` is the address it is counted
   * against (see `addressOf`). Throws a HandshakeRefusedError to refuse it.
   */
  apply: (body: HandshakeBody, from: string) => Promise<HandshakeAccepted>
}

export class HandshakeEndpoint {
  private readonly c: HandshakeEndpointComponents

  constructor (components: HandshakeEndpointComponents) {
    this.c = components
  }

  async start (): Promise<void> {
    await this.c.libp2p.handle(HANDSHAKE_PROTOCOL, (stream, connection) => this.serve(stream, connection), {
      maxInboundStreams: MAX_HANDSHAKE_STREAMS,
      maxOutboundStreams: MAX_HANDSHAKE_STREAMS,
      // NATed peers ask for trust through a relay before any direct connection exists.
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    await this.c.libp2p.unhandle(HANDSHAKE_PROTOCOL).catch((err: unknown) => { this.c.log.debug({ err }, 'could not unregister the handshake protocol') })
  }

  /** A message from us to `to`, with a fresh nonce and time. */
  async sign (kind: HandshakeKind, to: string, reason?: string): Promise<SignedHandshake> {
    return await signHandshake(this.c.privateKey, { kind, from: this.c.peerId.toString(), to, ...(reason != null ? { reason } : {}) })
  }

  /** Open a handshake stream, send one signed message, read the one reply. */
  async send (peerId: PeerId, message: SignedHandshake, signal?: AbortSignal): Promise<HandshakeAccepted> {
    const timeout = AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS)
    const combined = signal != null ? AbortSignal.any([signal, timeout]) : timeout
    const connection = await this.c.dial(peerId, combined)
    const stream = await connection.newStream(HANDSHAKE_PROTOCOL, { signal: combined, runOnLimitedConnection: true })
    const framed = jsonStream(stream, { maxBytes: MAX_HANDSHAKE_BYTES, readTimeoutMs: HANDSHAKE_TIMEOUT_MS })
    try {
      await framed.write(message)
      const reply = await framed.read(handshakeReplySchema, { signal: combined, invalid: reason => new HandshakeRefusedError('BAD_HANDSHAKE', `the answer is not a handshake reply (${reason})`) })
      if (reply == null) throw new AgentwireError('HANDSHAKE_NO_REPLY', `${peerId.toString()} closed the handshake without answering`)
      if ('state' in reply) return reply
      throwIfErrorFrame(reply)
      throw new HandshakeRefusedError('BAD_HANDSHAKE', 'the answer is neither a state nor an error')
    } finally {
      await stream.close().catch((err: unknown) => {
        this.c.log.debug({ err, peer: peerId.toString() }, 'could not close a handshake stream; resetting it')
        stream.abort(new Error('closing'))
      })
    }
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const framed = jsonStream(stream, { maxBytes: MAX_HANDSHAKE_BYTES, readTimeoutMs: HANDSHAKE_TIMEOUT_MS })
    let admission
    try {
      admission = this.c.guard.admit(peer, 'handshake')
    } catch (err) {
      // Refused by the guard (and counted there): answered without auditing, so a flood cannot fill the log.
      this.c.log.debug({ peer, code: toErrorBody(err).code }, 'handshake stream refused by the guard')
      await framed.writeError(toErrorBody(err)).then(async () => { await stream.close() }, () => { stream.abort(asError(err)) })
        .catch((closeErr: unknown) => { this.c.log.debug({ err: closeErr, peer }, 'could not close a refused handshake stream') })
      return
    }
    try {
      const frame = await framed.read(signedHandshakeSchema, { invalid: reason => new HandshakeRefusedError('BAD_HANDSHAKE', `not a signed handshake message (${reason})`) })
      if (frame == null) {
        // The peer closed without asking anything: close our side too, or the stream lingers.
        await stream.close().catch((err: unknown) => {
          this.c.log.debug({ err, peer }, 'could not close an empty handshake stream; resetting it')
          stream.abort(new Error('closing'))
        })
        return
      }
      const body = await verifyHandshake(frame)
      if (body.from !== peer) throw new HandshakeRefusedError('WRONG_SENDER', `message signed by ${body.from} but sent by ${peer}`)
      if (body.to !== this.c.peerId.toString()) throw new HandshakeRefusedError('WRONG_RECIPIENT', `message addressed to ${body.to}, not to this node`)
      await this.c.nonces.check(body.nonce, body.ts)
      const reply = await this.c.apply(body, addressOf(connection))
      await framed.write(reply)
      await stream.close()
    } catch (err) {
      const error = toErrorBody(err)
      this.c.guard.strike(peer, error.code)
      await this.c.refusals.record('handshake.refused', peer, error.code, { code: error.code, reason: error.message })
        .catch((auditErr: unknown) => { this.c.log.warn({ err: auditErr, peer, code: error.code }, 'could not audit a refused handshake') })
      this.c.log.info({ peer, code: error.code }, 'handshake message refused')
      try {
        await framed.writeError(error)
        await stream.close()
      } catch (writeErr) {
        this.c.log.debug({ err: writeErr, peer }, 'could not answer a refused handshake; resetting the stream')
        stream.abort(asError(err))
      }
    } finally {
      admission.release()
    }
  }
}

/** Which address a request is counted against: see `addressKey`. */
export function addressOf (connection: Pick<Connection, 'remoteAddr'>): string {
  return addressKey(connection.remoteAddr)
}

// One session per connection, opened on the first call and shared by every call after it. A peer
// that does not speak the session protocol (an older agentwire, or one with `a2a.sessions: false`)
// is remembered per connection, and its calls go one stream per call as before.
import type { Connection } from '@libp2p/interface'
import { asError } from '../../caught.ts'
import { A2ASession, type SessionInit } from './client-session.ts'
import { A2A_SESSION_PROTOCOL, SESSION_OPEN_TIMEOUT_MS } from './constants.ts'

export class SessionPool {
  private readonly sessions = new WeakMap<Connection, Promise<A2ASession | undefined>>()
  private readonly init: Omit<SessionInit, 'peer'>

  constructor (init: Omit<SessionInit, 'peer'>) {
    this.init = init
  }

  /** The connection's session, opened if need be; undefined when the peer speaks only the stream binding. */
  async get (connection: Connection, signal: AbortSignal): Promise<A2ASession | undefined> {
    const known = this.sessions.get(connection)
    if (known != null) {
      const session = await raced(known, signal).catch((err: unknown) => { if (signal.aborted) throw err; return null })
      if (session === undefined || session?.usable === true) return session
      // The last one ended (its stream died, or it closed when idle) or failed to open: forget it.
      if (this.sessions.get(connection) === known) this.sessions.delete(connection)
    }
    let opening = this.sessions.get(connection)
    if (opening == null) {
      const fresh = this.open(connection)
      this.sessions.set(connection, fresh)
      fresh.catch(() => { if (this.sessions.get(connection) === fresh) this.sessions.delete(connection) })
      opening = fresh
    }
    return await raced(opening, signal)
  }

  private async open (connection: Connection): Promise<A2ASession | undefined> {
    try {
      // Not bound to the first caller's signal: the session outlives it and serves the calls waiting on it.
      const stream = await connection.newStream(A2A_SESSION_PROTOCOL, { signal: AbortSignal.timeout(SESSION_OPEN_TIMEOUT_MS), runOnLimitedConnection: true })
      return new A2ASession(stream, { ...this.init, peer: connection.remotePeer.toString() })
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') return undefined
      throw err
    }
  }
}

async function raced<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(asError(signal.reason)) }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

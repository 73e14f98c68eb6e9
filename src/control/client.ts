// The CLI's side of the control socket. Kept free of libp2p imports so a command starts fast.
import { connect } from 'node:net'
import { join } from 'node:path'
import { AgentwireError, errorFromBody, type ErrorBody } from '../errors.ts'
import { readJsonLines, writeJsonLine } from './framing.ts'
import { DaemonNotRunningError, DaemonStoppedError } from './errors.ts'
import { DEFAULT_CALL_TIMEOUT_MS, SOCKET_NAME } from './constants.ts'
import type { ControlEvents, ControlMethod, ControlParams, ControlResult } from './protocol.ts'

export function socketPathFor (dataDir: string): string {
  return join(dataDir, SOCKET_NAME)
}

/** The events of method M (nothing for a method that does not stream). */
export type EventOf<M extends ControlMethod> = M extends keyof ControlEvents ? ControlEvents[M] : never

export interface CallOptions<E = unknown> {
  /** Called with each event line of a streaming command. */
  onEvent?: (event: E) => void
  /** @default 60000 ms; 0 waits forever (streams such as `reputation watch`) */
  timeoutMs?: number
}

/** One control call: the method's params and result are typed by protocol.ts (the daemon checks the params again). */
export async function callDaemon<M extends ControlMethod> (dataDir: string, method: M, params?: ControlParams<M>, options: CallOptions<EventOf<M>> = {}): Promise<ControlResult<M>> {
  const socket = connect(socketPathFor(dataDir))
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  return await new Promise<ControlResult<M>>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      fn()
    }
    const timer = timeoutMs > 0
      ? setTimeout(() => finish(() => reject(new AgentwireError('DAEMON_TIMEOUT', `the daemon did not answer "${method}" within ${timeoutMs} ms`, 'check the daemon log; it may be overloaded or stuck'))), timeoutMs)
      : undefined
    socket.on('connect', () => writeJsonLine(socket, { method, params: params ?? {} }))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') finish(() => reject(new DaemonNotRunningError(dataDir)))
      else finish(() => reject(err))
    })
    // Closed with no answer: the daemon went away mid-call (`stop`, a crash), not a version mismatch.
    socket.on('close', () => finish(() => reject(new DaemonStoppedError(method))))
    readJsonLines(socket, line => {
      const message = line as { event?: unknown, result?: unknown, error?: ErrorBody }
      // Events, like results, come from our own daemon and are the method's (protocol.ts).
      if ('event' in message) options.onEvent?.(message.event as EventOf<M>)
      else if (message.error != null) { const body = message.error; finish(() => reject(errorFromBody(body))) } else if ('result' in message) {
        // The one place a result is taken on trust: it comes from our own daemon, over an owner-only socket.
        finish(() => resolve(message.result as ControlResult<M>))
      }
    }, err => finish(() => reject(err)))
  })
}

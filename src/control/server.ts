// The daemon's side of the control socket. One request per connection: `{method, params}` in;
// zero or more `{event}` lines (for streaming commands) and then one `{result}` or `{error}` out.
import { createServer, type Server, type Socket } from 'node:net'
import { chmod, mkdtemp, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { toErrorBody } from '../errors.ts'
import type { Logger } from '../log/logger.ts'
import { readJsonLines, writeJsonLine } from './framing.ts'
import { BadParamsError, ControlProtocolError, SocketPathTooLongError, UnknownMethodError } from './errors.ts'
import { MAX_SOCKET_PATH } from './constants.ts'
import { controlParams, isControlMethod, type CheckedParams, type ControlMethod, type ControlResult } from './protocol.ts'

/** Longest a client may take to send its one request line, in ms; a silent connection is dropped. */
const REQUEST_DEADLINE_MS = 10_000

/** How long a client may keep its side open after our answer, in ms, before the connection is dropped. */
const CLOSE_GRACE_MS = 2_000

/** Most characters of a caller's method name echoed back in an error: the answer stays one short line. */
const MAX_ECHOED_METHOD_CHARS = 64

export interface CallContext {
  /** Send one event line before the result (streaming commands). */
  emit: (event: unknown) => void
  /** Aborted when the CLI goes away, so long calls stop working for nobody. */
  signal: AbortSignal
}

/** One method's handler: gets params already checked against protocol.ts, returns that method's result. */
export type ControlHandler<M extends ControlMethod> = (params: CheckedParams<M>, ctx: CallContext) => Promise<ControlResult<M>>
/** Every method of the control protocol, each with its handler. */
export type ControlHandlers = { [M in ControlMethod]: ControlHandler<M> }
/** What a server may serve: any subset of the methods (a test serves one). */
export type ServedHandlers = { [M in ControlMethod]?: (params: CheckedParams<M>, ctx: CallContext) => Promise<unknown> }

export interface ControlServer {
  close: () => Promise<void>
}

export interface ControlServerOptions {
  /** Longest a client may take to send its request line, in ms. @default 10000 */
  requestDeadlineMs?: number
}

export async function startControlServer (socketPath: string, handlers: ServedHandlers, log: Logger, options: ControlServerOptions = {}): Promise<ControlServer> {
  if (socketPath.length > MAX_SOCKET_PATH) throw new SocketPathTooLongError(socketPath)
  // A socket file left by a crashed daemon would make listen() fail; the data-dir lock is already
  // ours, so whatever is there is stale.
  await rm(socketPath, { force: true })
  const sockets = new Set<Socket>()
  const server: Server = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // A client that vanishes mid-answer is normal; the answer was for nobody.
    socket.on('error', err => { log.debug({ err: err.message }, 'control connection error') })
    serveOne(socket, handlers, log, options.requestDeadlineMs ?? REQUEST_DEADLINE_MS)
  })
  // Owner-only from the first moment, without touching the process umask (process-wide, and
  // libp2p and LevelDB create files meanwhile): bind inside a fresh 0700 directory nobody else can
  // enter, make the socket 0600 there, then move it into place. Connecting goes by the file, so
  // the moved socket serves at its final path; before the move no other user can reach it.
  const privateDir = await mkdtemp(join(dirname(socketPath), '.ctl-'))
  try {
    const bound = join(privateDir, 's')
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(bound, () => { server.off('error', reject); resolve() })
    })
    await chmod(bound, 0o600)
    await rename(bound, socketPath)
  } catch (err) {
    server.close()
    throw err
  } finally {
    await rm(privateDir, { recursive: true, force: true })
  }
  return {
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
      await rm(socketPath, { force: true })
    }
  }
}

function serveOne (socket: Socket, handlers: ServedHandlers, log: Logger, requestDeadlineMs: number): void {
  const abort = new AbortController()
  socket.on('close', () => abort.abort())
  let answered = false
  // The CLI sends its request at once; a connection that never completes a line only holds a slot.
  socket.setTimeout(requestDeadlineMs, () => { if (!answered) socket.destroy() })
  readJsonLines(socket, request => {
    if (answered) return
    answered = true
    socket.setTimeout(0)
    void handle(request).then(result => {
      writeJsonLine(socket, { result: result ?? null })
    }, (err: unknown) => {
      if (!(err instanceof Error && 'code' in err)) log.warn({ err }, 'control command failed')
      writeJsonLine(socket, { error: toErrorBody(err) })
    }).finally(() => { finish() })
  }, err => {
    if (answered) return // junk after the request: the request's answer still goes out
    answered = true
    writeJsonLine(socket, { error: toErrorBody(err) })
    finish()
  })

  // Our side is done: end it, and drop a client that keeps its own side open (or keeps writing).
  function finish (): void {
    socket.setTimeout(0)
    socket.end()
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  }

  async function handle (request: unknown): Promise<unknown> {
    const { method, params } = (request ?? {}) as { method?: unknown, params?: unknown }
    if (typeof method !== 'string') throw new ControlProtocolError('control request has no "method"')
    if (params != null && (typeof params !== 'object' || Array.isArray(params))) throw new ControlProtocolError('control request "params" must be an object')
    if (!isControlMethod(method) || !Object.hasOwn(handlers, method)) throw new UnknownMethodError(echo(method))
    return await call(method, params ?? {})
  }

  // Generic over the method so the params checked by its schema are the params its handler takes.
  async function call<M extends ControlMethod> (method: M, params: object): Promise<unknown> {
    const handler = handlers[method]
    if (handler == null) throw new UnknownMethodError(method)
    const checked = controlParams[method].safeParse(params, { reportInput: true })
    if (!checked.success) throw new BadParamsError(method, checked.error.issues)
    return await handler(checked.data as CheckedParams<M>, { emit: event => writeJsonLine(socket, { event }), signal: abort.signal })
  }
}

/** A caller's string as it may appear in an error: short, with control characters escaped. */
function echo (text: string): string {
  const short = text.length > MAX_ECHOED_METHOD_CHARS ? `${text.slice(0, MAX_ECHOED_METHOD_CHARS)}… (${text.length} characters)` : text
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return short.replace(/[\u0000-\u001f\u007f-\u009f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

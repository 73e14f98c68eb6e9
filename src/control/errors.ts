import { AgentwireError, type ErrorCode } from '../errors.ts'

export class DaemonNotRunningError extends AgentwireError {
  static override name = 'DaemonNotRunningError'
  constructor (dataDir: string) {
    super('DAEMON_NOT_RUNNING', `no agentwire daemon is running for ${dataDir}`, 'start one with `agentwire start --config FILE` (or `npm start` for config/node.yaml)')
    this.name = 'DaemonNotRunningError'
  }
}

export class ControlProtocolError extends AgentwireError {
  static override name = 'ControlProtocolError'
  constructor (message: string) {
    super('CONTROL_PROTOCOL', message, 'the CLI and the daemon may be different versions; restart the daemon')
    this.name = 'ControlProtocolError'
  }
}

export class DaemonStoppedError extends AgentwireError {
  static override name = 'DaemonStoppedError'
  constructor (method: string) {
    super('DAEMON_STOPPED', `the daemon closed the control socket without answering "${method}": it stopped or crashed`, 'see whether it still runs with `agentwire info`, read its log, and start it again with `agentwire start`')
    this.name = 'DaemonStoppedError'
  }
}

export class UnknownMethodError extends AgentwireError {
  static override name = 'UnknownMethodError'
  constructor (method: string) {
    super('UNKNOWN_METHOD', `the daemon has no command "${method}"`, 'run `agentwire --help` for the list of commands')
    this.name = 'UnknownMethodError'
  }
}

export class SocketPathTooLongError extends AgentwireError {
  static override name = 'SocketPathTooLongError'
  constructor (path: string) {
    super('SOCKET_PATH_TOO_LONG', `control socket path is ${path.length} bytes, longer than the 107 a Unix socket allows: ${path}`, 'use a shorter dataDir path')
    this.name = 'SocketPathTooLongError'
  }
}

/** Codes (and hints) kept from before params were checked by schema, for the params callers most often miss. */
const PARAM_ERRORS: Record<string, { code: ErrorCode, hint: string }> = {
  target: { code: 'MISSING_TARGET', hint: 'give a PeerId, a name or a multiaddr' },
  taskId: { code: 'MISSING_TASK_ID', hint: 'list task ids with `agentwire tasks list <target>` (or `agentwire inbox list` for the inbox)' },
  text: { code: 'MISSING_TEXT', hint: 'say what the other agent should do: agentwire send <target> "text"' },
  state: { code: 'BAD_REPLY_STATE', hint: 'use completed, input-required, failed or rejected' }
}

/** A control request whose params do not match the method's schema (src/control/protocol.ts); names the param. */
export class BadParamsError extends AgentwireError {
  static override name = 'BadParamsError'
  constructor (method: string, issues: ReadonlyArray<{ path: PropertyKey[], message: string, input?: unknown, code: string }>) {
    const first = issues[0]
    const key = first?.path.map(String).join('.') ?? ''
    const what = (i: typeof first): string => `${i.path.length > 0 ? `params.${i.path.map(String).join('.')}` : 'params'}: ${i.code === 'invalid_type' && i.input === undefined ? 'missing' : i.message}`
    const known = PARAM_ERRORS[key]
    super(known?.code ?? 'BAD_PARAMS', `bad params for "${method}": ${issues.map(what).join('; ')}`, known?.hint ?? `see \`agentwire ${method.replace(/\./g, ' ')} --help\``)
    this.name = 'BadParamsError'
  }
}

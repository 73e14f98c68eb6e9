import { AgentwireError } from '../errors.ts'

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

import { AgentwireError } from '../errors.ts'

export class DataDirLockedError extends AgentwireError {
  static override name = 'DataDirLockedError'
  constructor (dataDir: string, pid?: number) {
    super('DATA_DIR_LOCKED', `another agentwire daemon${pid != null ? ` (pid ${pid})` : ''} is already using ${dataDir}`,
      'stop it first (`agentwire stop --data-dir DIR`), or give this node its own dataDir')
    this.name = 'DataDirLockedError'
  }
}

export class InvalidTargetError extends AgentwireError {
  static override name = 'InvalidTargetError'
  constructor (target: string, reason: string) {
    super('INVALID_TARGET', `"${target}" is not a usable target: ${reason}`, 'a target is a PeerId (12D3KooW…), a name (research-agent), or a multiaddr ending in /p2p/<PeerId>')
    this.name = 'InvalidTargetError'
  }
}

export class PeerUnreachableError extends AgentwireError {
  static override name = 'PeerUnreachableError'
  constructor (target: string, reason: string, hint?: string) {
    super('PEER_UNREACHABLE', `could not reach ${target}: ${reason}`, hint ?? 'check that the peer is running and that one of its addresses is reachable from here (`agentwire peers`, `agentwire info` on the peer)')
    this.name = 'PeerUnreachableError'
  }
}

export class NotConnectedError extends AgentwireError {
  static override name = 'NotConnectedError'
  constructor (target: string) {
    super('NOT_CONNECTED', `not connected to ${target}`, 'see open connections with `agentwire peers`')
    this.name = 'NotConnectedError'
  }
}

export class NetworkNotJoinedError extends AgentwireError {
  static override name = 'NetworkNotJoinedError'
  constructor (waitedMs: number, missing: string[]) {
    super('NETWORK_NOT_JOINED', `the node has not joined the network after ${waitedMs} ms: ${missing.join('; ')}`,
      'check that the bootstrap peers in the config are running and reachable from here (`agentwire health` names what is missing), or wait longer (`ready({ timeoutMs })`)')
    this.name = 'NetworkNotJoinedError'
  }
}

export class NodeStopTimeoutError extends AgentwireError {
  static override name = 'NodeStopTimeoutError'
  constructor (waitedMs: number, waitingOn: string[]) {
    super('NODE_STOP_TIMEOUT', `stopping the node gave up after ${waitedMs} ms waiting on ${waitingOn.join(', ')}`,
      'the other parts stopped and the data dir was released; the part named is stuck, which is a bug: report it with the log (DEBUG=libp2p:* adds libp2p\'s own)')
    this.name = 'NodeStopTimeoutError'
  }
}

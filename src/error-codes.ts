// Every error code agentwire itself raises, in one list (as hyperdht's errors.js keeps its codes): a
// caller can switch on these, the CLI prints them, the peer guard weighs them. A code not listed here
// does not compile where an AgentwireError is made; a code that came from another process (a peer's
// error frame, the daemon's answer) is carried as it came, see AgentwireError.fromBody.

export const ERROR_CODES = [
  // the A2A binding (src/a2a)
  'A2A_NO_ANSWER', 'A2A_TIMEOUT', 'A2A_UNAVAILABLE', 'A2A_INTERRUPTED', 'INVALID_A2A_RESPONSE', 'INVALID_CARD', 'CARD_UNVERIFIED',
  'TOO_MANY_CALLS', 'UPSTREAM_CARD', 'RESOURCE_EXHAUSTED',
  'BAD_ENVELOPE', 'WRONG_SENDER', 'WRONG_RECIPIENT', 'BODY_MISMATCH', 'BAD_SIGNATURE',
  // the local A2A gateway
  'GATEWAY_BAD_TOKEN', 'GATEWAY_BODY_TOO_LARGE', 'GATEWAY_FOREIGN_ORIGIN', 'GATEWAY_MULTIADDR_TARGET', 'GATEWAY_NOT_JSON',
  'GATEWAY_NOT_LOCAL', 'GATEWAY_NOT_LOOPBACK', 'GATEWAY_TOKEN_EXPOSED', 'GATEWAY_TOKEN_REQUIRED', 'GATEWAY_TOKEN_WEAK', 'NOT_FOUND',
  // the inbox
  'INBOX_EMPTY_REPLY', 'INBOX_OFF', 'INBOX_TASK_CLOSED', 'INBOX_TASK_NOT_FOUND',
  // trust: the handshake, the gate, the audit witnesses
  'NOT_TRUSTED', 'TRUST_REFUSED', 'BAD_HANDSHAKE', 'HANDSHAKE_NO_REPLY', 'REASON_TOO_LONG', 'UNSOLICITED_ANSWER', 'UNKNOWN_PEER', 'SELF_TRUST',
  'PENDING_FULL', 'STALE_MESSAGE', 'REPLAYED_MESSAGE', 'BAD_CHECKPOINT', 'HANDLER_ERROR',
  // the peer guard
  'RATE_LIMITED', 'TOO_MANY_STREAMS', 'BUSY', 'PEER_BANNED',
  // reputation
  'PEER_QUARANTINED', 'QUARANTINED', 'NOT_QUARANTINED', 'UNKNOWN_OUTCOME', 'SELF_RATING', 'BAD_REPORT', 'REPORT_EXPIRED',
  'REPORT_FROM_FUTURE', 'REPORT_TOO_LARGE', 'STALE_SEQ', 'STORE_FULL', 'ISSUER_FLOOD', 'PAIR_FLOOD', 'FORWARDER_FLOOD', 'UNSIGNED',
  // naming
  'NAME_AMBIGUOUS', 'NAME_CLAIM_REFUSED', 'NAME_DNS_UNAVAILABLE', 'NAME_NOT_FOUND', 'NAME_PICK_REFUSED', 'NAME_PIN_CONFLICT',
  'NAME_PROOF_INVALID', 'INVALID_NAME_RECORD',
  // the node: targets, dialling, framing, the data directory, the key
  'INVALID_TARGET', 'SELF_TARGET', 'PEER_UNREACHABLE', 'NOT_CONNECTED', 'NETWORK_NOT_JOINED', 'NODE_STOPPED', 'NODE_STOP_TIMEOUT', 'BAD_FRAME', 'READ_TIMEOUT',
  'JSON_TOO_COMPLEX', 'DATA_DIR_LOCKED', 'DATA_DIR_EXPOSED', 'KEY_FILE_CORRUPT', 'KEY_FILE_EXPOSED', 'NAT_WEBRTC_MISSING',
  // config
  'CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'CONFIG_EXISTS',
  // the control socket, the CLI and MCP
  'DAEMON_NOT_RUNNING', 'DAEMON_STOPPED', 'DAEMON_TIMEOUT', 'CONTROL_PROTOCOL', 'UNKNOWN_METHOD', 'SOCKET_PATH_TOO_LONG', 'BAD_PARAMS',
  'MISSING_TARGET', 'MISSING_TASK_ID', 'MISSING_TEXT', 'MISSING_ARGUMENT', 'BAD_REPLY_STATE', 'BAD_JSON', 'BAD_TIME', 'BAD_LIMIT',
  'NO_IDENTITY', 'MCP_APPROVE_DISABLED',
  // what a peer's error frame is called when it carries no code of its own; anything else not ours
  'REMOTE_ERROR', 'INTERNAL'
] as const

/** A code agentwire raises; `A2A_<n>` carries a remote agent's JSON-RPC error code (A2A_-32001: task not found). */
export type ErrorCode = typeof ERROR_CODES[number] | `A2A_${number}`

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES)

/** Whether a code (e.g. one a peer sent) is one of ours. */
export function isErrorCode (code: string): code is ErrorCode {
  return KNOWN.has(code) || /^A2A_-?\d+$/.test(code)
}

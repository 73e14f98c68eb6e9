// The control socket: how the CLI talks to its daemon. Local only, owner only.

/** File name of the Unix socket inside the data directory. */
export const SOCKET_NAME = 'control.sock'

/** Largest request or response line, in bytes; a longer line is refused and the socket closed. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024

/** Longest the CLI waits for an answer that is not a stream, in ms (a DHT lookup fits well inside). */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000

/** Unix socket paths longer than this fail to bind on Linux (sun_path is 108 bytes with the NUL). */
export const MAX_SOCKET_PATH = 107

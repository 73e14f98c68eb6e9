// The MCP server's names and bounds.

/** The server's name in the MCP handshake (clients show it, and prefix tool names with it). */
export const MCP_SERVER_NAME = 'agentwire'

/** Default wait of send_task for the remote task to settle, in s (bounded by mcp.maxWaitSeconds). */
export const DEFAULT_WAIT_SECONDS = 20

/** Default and largest long-poll of inbox_list, in s: under the 60 s request timeout most MCP clients use. */
export const DEFAULT_INBOX_WAIT_SECONDS = 0
export const MAX_INBOX_WAIT_SECONDS = 50

/** Longest remote text put in one tool result, in characters: a model's context is not a bulk channel. */
export const MAX_REMOTE_TEXT_CHARS = 20_000

/** Extra time a control call gets beyond the wait it asked for (resolving, dialling), in ms. */
export const CALL_MARGIN_MS = 60_000

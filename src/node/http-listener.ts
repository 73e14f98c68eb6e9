// Every HTTP listener a node opens (the A2A gateway, its per-peer ports, metrics) gets the same
// limits: a deadline for the request head and for the whole request, a short keep-alive, and a cap
// on open connections, so sockets that trickle headers or sit idle cannot pile up.
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpListenerLimits {
  /** Longest a client may take to send the request head, in ms. @default 10000 */
  headersTimeoutMs?: number
  /** Longest a client may take to send the whole request (head and body), in ms. @default 30000 */
  requestTimeoutMs?: number
  /** How long an idle keep-alive connection stays open, in ms. @default 5000 */
  keepAliveTimeoutMs?: number
  /** Most connections open at once; more are closed on arrival. @default 64 */
  maxConnections?: number
}

/** Longest a client may take to send the request head, in ms. */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000
/** Longest a client may take to send a whole request, in ms (a 4 MiB body fits easily). */
export const HTTP_REQUEST_TIMEOUT_MS = 30_000
/** How long an idle keep-alive connection is kept, in ms. */
export const HTTP_KEEPALIVE_TIMEOUT_MS = 5_000
/** Most open connections per listener. */
export const HTTP_MAX_CONNECTIONS = 64
/** How often Node checks the head and request deadlines, in ms (its default, 30 s, would let a trickler live that much longer). */
const DEADLINE_CHECK_INTERVAL_MS = 1_000

export function createLimitedServer (handler: RequestListener, limits: HttpListenerLimits = {}): Server {
  const headersTimeout = limits.headersTimeoutMs ?? HTTP_HEADERS_TIMEOUT_MS
  const server = createServer({
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, limits.requestTimeoutMs ?? HTTP_REQUEST_TIMEOUT_MS),
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? HTTP_KEEPALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS
  }, handler)
  server.maxConnections = limits.maxConnections ?? HTTP_MAX_CONNECTIONS
  return server
}

/** HOST:PORT (IPv6 in brackets) → [host, port]. */
export function splitHostPort (listen: string): [string, number] {
  const i = listen.lastIndexOf(':')
  return [listen.slice(0, i).replace(/^\[|\]$/g, ''), Number(listen.slice(i + 1))]
}

/** Listen and return the base URL (http://HOST:PORT, with the real port when 0 was asked for). */
export async function listenHttp (server: Server, listen: string): Promise<string> {
  const [host, port] = splitHostPort(listen)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const address = server.address() as AddressInfo
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
}

export async function closeHttp (server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>(resolve => server.close(() => resolve()))
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback, as a socket reports them. */
export function isLoopbackAddress (address: string | undefined): boolean {
  if (address == null) return false
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.')
}

/** True for a listen or Host name that can only mean this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost (host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

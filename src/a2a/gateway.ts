// The local A2A HTTP gateway: unmodified A2A clients talk plain HTTP JSON-RPC (and SSE) to the node,
// which carries each call over libp2p to a remote agent, signed as this node. Two shapes:
// - the shared listener, http://HOST:PORT/peers/<peer>/ for any peer (ad hoc; the trailing slash
//   keeps the card path relative to the peer);
// - one listener per mapped peer (`a2a.gateway.peers`), where the card sits at the host root
//   (/.well-known/agent-card.json) and the JSON-RPC endpoint is "/", exactly like a plain A2A agent.
// Anything that gets a request through acts as this node, so every request must come from this
// machine (loopback address and loopback Host: no DNS rebinding), carry no Origin (no web page),
// be JSON (no form or text/plain POST), or else present the data dir's bearer token.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { A2ACaller } from './client.ts'
import type { Logger } from '../log/logger.ts'
import { messageOf } from '../caught.ts'
import { toErrorBody } from '../errors.ts'
import { parseTarget } from '../node/targets.ts'
import { checkJsonBudget, JsonBudgetError } from '../node/json-budget.ts'
import { closeHttp, createLimitedServer, isLoopbackAddress, isLoopbackHost, listenHttp, splitHostPort, type HttpListenerLimits } from '../node/http-listener.ts'
import { A2A_VERSION, GATEWAY_TOKEN_FILE } from './constants.ts'
import { GatewayConfigError, GatewayRefusedError } from './errors.ts'

export interface GatewayInit {
  /** HOST:PORT of the shared /peers/<peer>/ listener, or null for none. */
  listen: string | null
  /** Peers given a listener of their own: target (name or PeerId) → HOST:PORT. */
  peers: Record<string, string>
  /** Every caller must present the token, loopback included (required to listen beyond loopback). */
  requireToken: boolean
  /** The data dir's bearer token. */
  token: string
  caller: A2ACaller
  log: Logger
  maxBodyBytes: number
  /** Listener limits (tests shorten them). */
  limits?: HttpListenerLimits
}

export interface Gateway {
  /** Base URL of the shared listener, e.g. http://127.0.0.1:8080 (with the real port when 0 was asked for). */
  url: string | undefined
  /** Base URL of each mapped peer's own listener, by target. */
  peers: Record<string, string>
  close: () => Promise<void>
}

const CARD_PATH = /^\/peers\/([^/]+)\/\.well-known\/agent-card\.json$/
const RPC_PATH = /^\/peers\/([^/]+)\/?$/
const ROOT_CARD = '/.well-known/agent-card.json'
/** Where a client lands when it was given http://HOST/peers/<peer> without the trailing slash. */
const SLASHLESS_CARD = '/peers/.well-known/agent-card.json'

export async function startGateway (init: GatewayInit): Promise<Gateway> {
  for (const listen of [...(init.listen != null ? [init.listen] : []), ...Object.values(init.peers)]) {
    if (!init.requireToken && !isLoopbackHost(splitHostPort(listen)[0])) {
      throw new GatewayConfigError('GATEWAY_NOT_LOOPBACK', `the A2A gateway would listen on ${listen}, beyond this machine: anyone who reaches it could act as this node`,
        `listen on 127.0.0.1, or set a2a.gateway.requireToken: true (callers then send "Authorization: Bearer <the token in DATA_DIR/${GATEWAY_TOKEN_FILE}>")`)
    }
  }
  for (const target of Object.keys(init.peers)) checkTarget(target)
  const servers: Server[] = []
  const open = async (listen: string, route: (req: IncomingMessage, res: ServerResponse, base: string) => Promise<void>): Promise<string> => {
    let base = ''
    const server = createLimitedServer((req, res) => {
      void (async () => {
        admit(req, init)
        await route(req, res, base)
      })().catch((err: unknown) => { sendError(res, err) })
    }, init.limits)
    servers.push(server)
    base = await listenHttp(server, listen)
    return base
  }

  /** The peer's card, rewritten to point at `url`: no longer the peer's signed card, so its signatures go. */
  const card = async (res: ServerResponse, peer: string, url: string): Promise<void> => {
    const { card } = await init.caller.card(peer)
    send(res, 200, { ...card, supportedInterfaces: [{ url, protocolBinding: 'JSONRPC', protocolVersion: A2A_VERSION }], signatures: [] })
  }

  const gateway: Gateway = { url: undefined, peers: {}, close: async () => { await Promise.all(servers.map(closeHttp)) } }
  try {
    if (init.listen != null) {
      gateway.url = await open(init.listen, async (req, res, base) => {
        const path = new URL(req.url ?? '/', 'http://gateway').pathname
        let m = CARD_PATH.exec(path)
        if (m != null && req.method === 'GET') {
          const peer = checkTarget(decodePeer(m[1]))
          await card(res, peer, `${base}/peers/${encodeURIComponent(peer)}/`)
          return
        }
        m = RPC_PATH.exec(path)
        if (m != null && req.method === 'POST') {
          await forward(init, checkTarget(decodePeer(m[1])), req, res)
          return
        }
        if (path === SLASHLESS_CARD) {
          throw new GatewayRefusedError(404, 'NOT_FOUND', `no card at ${path}: the base URL was given without its trailing slash`, `use ${base}/peers/<peer>/ (with the slash): A2A clients resolve the card relative to the base URL`)
        }
        if (path === ROOT_CARD) {
          throw new GatewayRefusedError(404, 'NOT_FOUND', 'this gateway fronts many agents, so it has no card of its own at the root', `use ${base}/peers/<peer>/ as the agent's base URL, or give the agent its own port with a2a.gateway.peers: { <peer>: 127.0.0.1:PORT }`)
        }
        throw new GatewayRefusedError(404, 'NOT_FOUND', `no route for ${String(req.method)} ${path}`, 'use GET /peers/<peer>/.well-known/agent-card.json or POST /peers/<peer>/')
      })
      init.log.info({ url: gateway.url }, 'A2A gateway listening')
    }
    for (const [peer, listen] of Object.entries(init.peers)) {
      gateway.peers[peer] = await open(listen, async (req, res, base) => {
        const path = new URL(req.url ?? '/', 'http://gateway').pathname
        if (path === ROOT_CARD && req.method === 'GET') {
          await card(res, peer, `${base}/`)
          return
        }
        if (path === '/' && req.method === 'POST') {
          await forward(init, peer, req, res)
          return
        }
        throw new GatewayRefusedError(404, 'NOT_FOUND', `no route for ${String(req.method)} ${path} (this port is ${peer})`, `use GET ${ROOT_CARD} or POST /`)
      })
      init.log.info({ peer, url: gateway.peers[peer] }, 'A2A gateway port for a peer')
    }
  } catch (err) {
    await gateway.close()
    throw err
  }
  return gateway
}

/**
 * Who may use the gateway: a request with the token, or one from this machine that no web page can
 * have sent (loopback address and Host, no Origin). POSTs must be JSON whoever sends them: a page
 * can send text/plain or a form without asking, but not application/json.
 */
function admit (req: IncomingMessage, init: GatewayInit): void {
  const origin = req.headers.origin
  if (origin != null) {
    throw new GatewayRefusedError(403, 'GATEWAY_FOREIGN_ORIGIN', `refused a request sent by a web page (Origin: ${String(origin).slice(0, 100)})`, 'the gateway acts as this node, so browsers may not use it; call it from a local program')
  }
  if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') {
      throw new GatewayRefusedError(415, 'GATEWAY_NOT_JSON', `refused a POST with Content-Type "${type.slice(0, 100)}"`, 'send A2A JSON-RPC with Content-Type: application/json')
    }
  }
  const auth = req.headers.authorization
  if (auth != null) {
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(auth)?.[1] ?? '')
    const expected = Buffer.from(init.token)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new GatewayRefusedError(401, 'GATEWAY_BAD_TOKEN', 'the bearer token is not this node\'s gateway token', `send "Authorization: Bearer <the token in DATA_DIR/${GATEWAY_TOKEN_FILE}>"`)
    }
    return
  }
  if (init.requireToken) {
    throw new GatewayRefusedError(401, 'GATEWAY_TOKEN_REQUIRED', 'this gateway requires a bearer token (a2a.gateway.requireToken)', `send "Authorization: Bearer <the token in DATA_DIR/${GATEWAY_TOKEN_FILE}>"`)
  }
  const host = req.headers.host ?? ''
  let hostname = ''
  try { hostname = new URL(`http://${host}`).hostname } catch {}
  if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(hostname)) {
    throw new GatewayRefusedError(403, 'GATEWAY_NOT_LOCAL', `refused a request for Host "${host.slice(0, 100)}" from ${req.socket.remoteAddress ?? 'an unknown address'} without a token`,
      `without a token only this machine may call, by a loopback name (127.0.0.1, localhost, [::1]); other callers send "Authorization: Bearer <the token in DATA_DIR/${GATEWAY_TOKEN_FILE}>"`)
  }
}

function decodePeer (segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new GatewayRefusedError(400, 'INVALID_TARGET', 'the peer in the path is not valid percent-encoding', 'use /peers/<PeerId or name>/')
  }
}

/** A PeerId or a name; never a multiaddr, or the gateway would dial any address it is given (a port scanner). */
function checkTarget (peer: string): string {
  let kind: string
  try {
    kind = parseTarget(peer).kind
  } catch (err) {
    throw new GatewayRefusedError(400, 'INVALID_TARGET', messageOf(err), 'use /peers/<PeerId or name>/')
  }
  if (kind === 'multiaddr') {
    throw new GatewayRefusedError(400, 'GATEWAY_MULTIADDR_TARGET', 'the gateway does not dial addresses, only peers by PeerId or name', 'connect first (`agentwire connect <multiaddr>`), then use /peers/<PeerId>/')
  }
  return peer
}

async function forward (init: GatewayInit, peer: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, init.maxBodyBytes)
  try {
    checkJsonBudget(body)
  } catch (err) {
    if (err instanceof JsonBudgetError) { send(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: ${err.message}` } }); return }
    throw err
  }
  const abort = new AbortController()
  res.on('close', () => abort.abort())
  const version = String(req.headers['a2a-version'] ?? A2A_VERSION)
  const answer = await init.caller.call(peer, body, { signal: abort.signal, version })
  if (answer.kind === 'single') {
    send(res, 200, answer.response)
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  try {
    for await (const frame of answer.frames) res.write(`data: ${JSON.stringify(frame)}\n\n`)
  } catch (err) {
    if (!abort.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: messageOf(err) } })}\n\n`)
  }
  res.end()
}

async function readBody (req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) throw new GatewayRefusedError(413, 'GATEWAY_BODY_TOO_LARGE', `request body larger than ${max} bytes`, 'raise a2a.maxFrameBytes, or send less')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function send (res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) { res.end(); return }
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

function sendError (res: ServerResponse, err: unknown): void {
  if (err instanceof GatewayRefusedError) {
    // Refused before anything was carried: say so plainly, and do not keep the connection.
    res.setHeader('connection', 'close')
    send(res, err.status, { error: toErrorBody(err) })
    return
  }
  const status = (err as { status?: unknown } | null)?.status
  send(res, typeof status === 'number' ? status : 502, { jsonrpc: '2.0', id: null, error: { code: -32603, message: toErrorBody(err).message, data: toErrorBody(err) } })
}

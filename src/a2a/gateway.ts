// The local A2A HTTP gateway: unmodified A2A clients talk plain HTTP JSON-RPC (and SSE) to
// http://HOST:PORT/peers/<peer>/ (the trailing slash keeps the card path relative to the peer), and the node carries each call over libp2p to that peer, signed
// as this node. It serves the remote card too, rewritten to point back at the gateway. Anything
// that can reach it acts as this node, which is why it listens on loopback unless told otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { A2ACaller } from './client.ts'
import type { Logger } from '../log/logger.ts'
import { toErrorBody } from '../errors.ts'
import { A2A_VERSION } from './constants.ts'

export interface GatewayInit {
  listen: string
  caller: A2ACaller
  log: Logger
  maxBodyBytes: number
}

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:8080 (with the real port when 0 was asked for). */
  url: string
  close: () => Promise<void>
}

const CARD_PATH = /^\/peers\/([^/]+)\/\.well-known\/agent-card\.json$/
const RPC_PATH = /^\/peers\/([^/]+)\/?$/

export async function startGateway (init: GatewayInit): Promise<Gateway> {
  const [host, port] = splitHostPort(init.listen)
  let base = ''
  const server: Server = createServer((req, res) => {
    void route(req, res).catch(err => sendError(res, 502, err))
  })

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname
    let m = CARD_PATH.exec(path)
    if (m != null && req.method === 'GET') {
      const peer = decodeURIComponent(m[1])
      const { card } = await init.caller.card(peer)
      // The card now describes the gateway's endpoint, so it is no longer the peer's signed card: we
      // checked its signature on the way in and drop it on the way out.
      const rewritten = { ...card, supportedInterfaces: [{ url: `${base}/peers/${encodeURIComponent(peer)}/`, protocolBinding: 'JSONRPC', protocolVersion: A2A_VERSION }], signatures: [] }
      send(res, 200, rewritten)
      return
    }
    m = RPC_PATH.exec(path)
    if (m != null && req.method === 'POST') {
      await forward(decodeURIComponent(m[1]), req, res)
      return
    }
    send(res, 404, { error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${path}`, hint: 'use GET /peers/<peer>/.well-known/agent-card.json or POST /peers/<peer>' } })
  }

  async function forward (peer: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, init.maxBodyBytes)
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
    } catch (err: any) {
      if (!abort.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: err.message } })}\n\n`)
    }
    res.end()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const address = server.address() as AddressInfo
  base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  init.log.info({ url: base }, 'A2A gateway listening')
  return {
    url: base,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

function splitHostPort (listen: string): [string, number] {
  const i = listen.lastIndexOf(':')
  return [listen.slice(0, i).replace(/^\[|\]$/g, ''), Number(listen.slice(i + 1))]
}

async function readBody (req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) throw Object.assign(new Error(`request body larger than ${max} bytes`), { status: 413 })
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function send (res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) { res.end(); return }
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

function sendError (res: ServerResponse, status: number, err: any): void {
  send(res, err.status ?? status, { jsonrpc: '2.0', id: null, error: { code: -32603, message: toErrorBody(err).message, data: toErrorBody(err) } })
}

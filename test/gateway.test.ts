// The local A2A gateway against real daemons, attacked the way a web page, a DNS-rebinding page, a
// port-scanning caller and a socket hoarder would, and used the way A2A tools use a plain HTTP agent
// (card at the host root, JSON-RPC at "/") through a port given to one peer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ClientFactory } from '@a2a-js/sdk/client'
import { startDaemon, writeConfig, cliJson, type Daemon } from './helpers/daemon.ts'
import { waitFor } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'

let gw: Daemon, agent: Daemon, tokened: Daemon
let gateway: string, mapped: string, metrics: string
const running: Daemon[] = []

before(async () => {
  agent = await startDaemon(await writeConfig({ name: 'worker', a2a: { exampleAgent: true } }))
  running.push(agent)
  gw = await startDaemon(await writeConfig({ a2a: { gateway: { listen: '127.0.0.1:0', peers: { [agent.peerId]: '127.0.0.1:0' } } }, metrics: { listen: '127.0.0.1:0' } }))
  tokened = await startDaemon(await writeConfig({ a2a: { gateway: { listen: '127.0.0.1:0', requireToken: true } } }))
  running.push(gw, tokened)
  for (const d of [gw, tokened]) {
    await cliJson(['connect', agent.addresses[0], '--config', d.configPath])
    await cliJson(['trust', 'request', agent.peerId, '--reason', 'gateway tests', '--config', d.configPath])
    await cliJson(['trust', 'approve', d.peerId, '--config', agent.configPath])
  }
  const info = await cliJson(['info', '--config', gw.configPath])
  gateway = info.gateway
  mapped = info.gatewayPeers[agent.peerId]
  metrics = info.metrics
  assert.match(mapped, /^http:\/\/127\.0\.0\.1:\d+$/)
})
after(async () => {
  await Promise.all(running.map(d => d.stop()))
  await removeTempDirs()
})

const sendMessage = (text: string): string => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }] } } })

/** Tasks the agent holds for the gateway's node: grows only when a call was carried. */
async function carried (): Promise<number> {
  const list = await cliJson(['tasks', 'list', agent.peerId, '--config', gw.configPath])
  return list.result.tasks.length
}

/** A raw HTTP/1.1 request with exactly these headers (fetch would not let us set Host or drop Origin). */
async function raw (url: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number, text: string }> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', d => { text += d })
    socket.on('error', reject)
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text }))
    const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}`).join('\r\n')
    // Written, not ended: a half-closed request reads as a caller that went away. The server closes after answering.
    socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n${body}`)
  })
}

test('a web page cannot use the gateway: text/plain, foreign Origin and rebound Host are refused before anything is carried', async () => {
  const port = new URL(gateway).port
  const path = `/peers/${agent.peerId}/`
  const before = await carried()
  // A cross-site "simple" POST, which a browser sends without asking.
  const simple = await raw(gateway, 'POST', path, { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'text/plain' }, sendMessage('from a web page'))
  assert.equal(simple.status, 403, simple.text)
  assert.match(simple.text, /GATEWAY_FOREIGN_ORIGIN/)
  const json = await raw(gateway, 'POST', path, { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json' }, sendMessage('from a web page'))
  assert.equal(json.status, 403, json.text)
  // DNS rebinding: the page's name now points at 127.0.0.1, so its requests are "same origin".
  const rebound = await raw(gateway, 'POST', path, { host: `evil.example:${port}`, 'content-type': 'application/json' }, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ListTasks', params: {} }))
  assert.equal(rebound.status, 403, rebound.text)
  assert.match(rebound.text, /GATEWAY_NOT_LOCAL/)
  const reboundCard = await raw(gateway, 'GET', `${path}.well-known/agent-card.json`, { host: `evil.example:${port}` })
  assert.equal(reboundCard.status, 403)
  // A local program that forgot the content type gets told.
  const plain = await raw(gateway, 'POST', path, { host: `127.0.0.1:${port}`, 'content-type': 'text/plain' }, sendMessage('no type'))
  assert.equal(plain.status, 415, plain.text)
  assert.equal(await carried(), before, 'nothing was carried to the agent')
  // The honest local call still works.
  const ok = await raw(gateway, 'POST', path, { host: `localhost:${port}`, 'content-type': 'application/json; charset=utf-8' }, sendMessage('Honest. Local.'))
  assert.equal(ok.status, 200, ok.text)
  assert.equal(await carried(), before + 1)
})

test('the gateway dials no multiaddr: it is not a port scanner', async () => {
  const closed = createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', () => resolve()))
  const port = (closed.address() as any).port
  await new Promise<void>(resolve => closed.close(() => resolve()))
  for (const target of [`/ip4/127.0.0.1/tcp/${port}`, `/ip4/127.0.0.1/tcp/${new URL(gateway).port}`]) {
    const res = await fetch(`${gateway}/peers/${encodeURIComponent(target)}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sendMessage('scan') })
    assert.equal(res.status, 400)
    assert.equal(((await res.json()) as any).error.code, 'GATEWAY_MULTIADDR_TARGET')
  }
})

test('a gateway beyond loopback is refused without a token; with requireToken every caller needs it', async () => {
  /** Start a daemon that should refuse to start; stop it if it does not. */
  const refusal = async (gateway: Record<string, unknown>): Promise<string> => {
    try {
      await (await startDaemon(await writeConfig({ a2a: { gateway } }))).stop()
      return 'started'
    } catch (err: any) {
      return err.message
    }
  }
  assert.match(await refusal({ listen: '0.0.0.0:0' }), /GATEWAY_NOT_LOOPBACK|beyond this machine/)
  assert.match(await refusal({ listen: '127.0.0.1:0', peers: { worker: '0.0.0.0:0' } }), /beyond this machine/)
  const url = (await cliJson(['info', '--config', tokened.configPath])).gateway
  const file = join(tokened.dataDir, 'gateway.token')
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  const token = (await readFile(file, 'utf8')).trim()
  const call = async (headers: Record<string, string>): Promise<Response> => await fetch(`${url}/peers/${agent.peerId}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sendMessage('Tokened. Call.') })
  assert.equal((await call({})).status, 401)
  assert.equal((await call({ authorization: 'Bearer not-the-token' })).status, 401)
  const ok = await call({ authorization: `Bearer ${token}` })
  assert.equal(ok.status, 200)
  assert.equal(((await ok.json()) as any).result.task.status.state, 'TASK_STATE_COMPLETED')
  // On the loopback gateway, the token also admits a caller that is not "local" by its Host.
  const gwToken = (await readFile(join(gw.dataDir, 'gateway.token'), 'utf8')).trim()
  const viaProxy = await raw(gateway, 'GET', `/peers/${agent.peerId}/.well-known/agent-card.json`, { host: 'agents.internal', authorization: `Bearer ${gwToken}` })
  assert.equal(viaProxy.status, 200, viaProxy.text)
})

test('a peer given its own port is a plain A2A HTTP agent: the official SDK client reads the card at the host root and calls "/"', async () => {
  // The card path is absolute, as conformance tools use it: the host root, whatever the base URL.
  const client = await new ClientFactory().createFromUrl(mapped, '/.well-known/agent-card.json')
  const result: any = await client.sendMessage({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'Mapped port. Root card.' } }] } as any } as any)
  assert.equal(result.status.state, 3)
  let events = 0
  for await (const _ of client.sendMessageStream({ message: { messageId: randomUUID(), role: 1, parts: [{ content: { $case: 'text', value: 'mapped stream' } }] } as any } as any)) events++
  assert.ok(events >= 3)
  const card: any = await (await fetch(`${mapped}/.well-known/agent-card.json`)).json()
  assert.equal(card.supportedInterfaces[0].url, `${mapped}/`)
  assert.equal(card.signatures.length, 0, 'rewritten, so no longer the peer\'s signed card')
  // The shared listener answers the two usual mistakes with the fix.
  const slashless = await fetch(`${gateway}/peers/.well-known/agent-card.json`)
  assert.equal(slashless.status, 404)
  assert.match(((await slashless.json()) as any).error.hint, /trailing slash|with the slash/)
  const root = await fetch(`${gateway}/.well-known/agent-card.json`)
  assert.equal(root.status, 404)
  assert.match(((await root.json()) as any).error.hint, /a2a\.gateway\.peers/)
})

test('gateway and metrics listeners cap connections and close sockets that trickle their headers', async () => {
  const hoard = async (url: string, n: number): Promise<Array<{ socket: Socket, closed: boolean }>> => {
    const { hostname, port } = new URL(url)
    const held: Array<{ socket: Socket, closed: boolean }> = []
    for (let i = 0; i < n; i++) {
      const entry = { socket: connect(Number(port), hostname), closed: false }
      entry.socket.on('error', () => {})
      entry.socket.on('close', () => { entry.closed = true })
      entry.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      held.push(entry)
    }
    return held
  }
  const trickle = setInterval(() => { for (const h of [...gwHeld, ...mHeld]) if (!h.closed) h.socket.write('X-Slow: 1\r\n') }, 500)
  const gwHeld = await hoard(gateway, 80)
  const mHeld = await hoard(metrics, 30)
  try {
    // Beyond the cap, sockets are closed on arrival…
    await waitFor('connections beyond the caps to be closed', () => gwHeld.filter(h => h.closed).length >= 16 && mHeld.filter(h => h.closed).length >= 14, 20_000)
    // …and those within it once the head deadline passes, trickle or not.
    await waitFor('every trickling socket to be closed', () => [...gwHeld, ...mHeld].every(h => h.closed), 40_000)
  } finally {
    clearInterval(trickle)
    for (const h of [...gwHeld, ...mHeld]) h.socket.destroy()
  }
  assert.equal((await fetch(metrics)).status, 200)
  assert.equal((await fetch(`${gateway}/peers/${agent.peerId}/.well-known/agent-card.json`)).status, 200)
})

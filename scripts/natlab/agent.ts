// One lab node: an agentwire node started inside a lab namespace (`ip netns exec`), driven by the
// scenario runner with one JSON command per stdin line and one JSON answer per stdout line. Running
// the node in-process (not as a daemon + CLI) lets the runner time things to the millisecond and
// look at individual connections (relayed or direct) — the CLI tests cover the daemon path.
//
//   node scripts/natlab/agent.ts '<config json>'
import { createInterface } from 'node:readline'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { createAgentNode } from '../../src/agent-node.ts'
import { reachability } from '../../src/node/reachability.ts'
import { PROTOCOL_PREFIX } from '../../src/node/constants.ts'

// A protocol that swallows bytes, to push a relayed circuit past its data limit.
const SINK_PROTOCOL = '/natlab/sink/1.0.0'
// Every wait in this file polls this often, in ms.
const POLL_MS = 20

const node = await createAgentNode(JSON.parse(process.argv[2]))
await node.start()
await node.libp2p.handle(SINK_PROTOCOL, async (stream) => {
  // Read until the sender is done (or the relay cuts the circuit), then say how much arrived, so
  // the sender's clock stops when the last byte is in, not when it left.
  let received = 0
  for await (const chunk of stream) received += chunk.byteLength
  if (stream.writeStatus === 'writable') {
    stream.send(new TextEncoder().encode(String(received)))
    await stream.close().catch(() => {})
  }
}, { runOnLimitedConnection: true })

const send = (msg: unknown): void => { process.stdout.write(JSON.stringify(msg) + '\n') }
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

function describe (conn: Connection): { addr: string, relayed: boolean, limited: boolean, transport: string, direction: string, ageMs: number } {
  const relayed = Circuit.matches(conn.remoteAddr)
  const names = conn.remoteAddr.getComponents().map(c => c.name)
  const transport = relayed ? 'relay' : names.includes('webrtc') ? 'webrtc' : names.includes('quic-v1') ? 'quic' : names.includes('tcp') ? 'tcp' : 'unknown'
  return { addr: conn.remoteAddr.toString(), relayed, limited: conn.limits != null, transport, direction: conn.direction, ageMs: Date.now() - conn.timeline.open }
}

const directConn = (peer: string): Connection | undefined =>
  node.libp2p.getConnections(peerIdFromString(peer)).find(c => !Circuit.matches(c.remoteAddr) && c.status === 'open')
const relayedConn = (peer: string): Connection | undefined =>
  node.libp2p.getConnections(peerIdFromString(peer)).find(c => Circuit.matches(c.remoteAddr) && c.status === 'open')

/** Poll `check` until it returns a value or `timeoutMs` passes; answers the wait in ms, or null. */
async function waitMs<T> (timeoutMs: number, check: () => T | undefined | false): Promise<{ ms: number, value: T } | null> {
  const start = Date.now()
  while (Date.now() - start < timeoutMs) {
    const value = check()
    if (value != null && value !== false) return { ms: Date.now() - start, value }
    await sleep(POLL_MS)
  }
  return null
}

/** One ping over exactly this connection (the ping service would pick any connection to the peer). */
async function pingOver (conn: Connection): Promise<number> {
  const stream = await conn.newStream(`/${PROTOCOL_PREFIX}/ping/1.0.0`, { runOnLimitedConnection: true, signal: AbortSignal.timeout(5_000) })
  const data = crypto.getRandomValues(new Uint8Array(32))
  const start = performance.now()
  let got = 0
  const done = new Promise<void>((resolve, reject) => {
    stream.addEventListener('message', (evt: any) => { got += evt.data.byteLength; if (got >= 32) resolve() })
    stream.addEventListener('close', () => { if (got < 32) reject(new Error('stream closed before the pong')) })
  })
  stream.send(data)
  await Promise.race([done, sleep(5_000).then(() => { throw new Error('no pong within 5 s') })])
  const rtt = performance.now() - start
  stream.abort(new Error('done'))
  return Math.round(rtt * 100) / 100
}

const ops: Record<string, (a: any) => Promise<unknown>> = {
  info: async () => ({ peerId: node.peerId.toString(), addresses: node.addresses(), ...reachability(node.libp2p) }),
  waitReachability: async (a) => waitMs(a.timeoutMs, () => {
    const r = reachability(node.libp2p)
    return (a.verdict == null || r.verdict === a.verdict) && r.relays.length >= (a.relays ?? 0) && r.circuitAddresses.length >= (a.circuits ?? 0) ? r : undefined
  }),
  /** Ping by PeerId (DHT lookup, relay, whatever the node does for a user), timed from here. */
  ping: async (a) => {
    const start = performance.now()
    const r = await node.ping(a.target)
    const conns = node.libp2p.getConnections(peerIdFromString(r.peerId)).map(describe)
    return { ms: Math.round(performance.now() - start), rttMs: r.rttMs, conns }
  },
  /**
   * Until the DHT gives a relayed address for `target`: a node is findable by PeerId only once the
   * DHT servers it is connected to have its /p2p-circuit address, which reaches them by identify
   * push a moment after the reservation (a lookup made in that moment answers "not found").
   */
  waitFindable: async (a) => {
    const start = Date.now()
    while (Date.now() - start < a.timeoutMs) {
      try {
        for await (const evt of (node.libp2p.services as any).dht.findPeer(peerIdFromString(a.target), { useCache: false, signal: AbortSignal.timeout(5_000) })) {
          if (evt.name === 'FINAL_PEER' && evt.peer.multiaddrs.some((m: any) => Circuit.matches(m))) return { ms: Date.now() - start }
        }
      } catch {}
      await sleep(250)
    }
    return null
  },
  waitDirect: async (a) => waitMs(a.timeoutMs, () => directConn(a.peer) != null && describe(directConn(a.peer) as Connection)),
  waitClosed: async (a) => waitMs(a.timeoutMs, () => node.libp2p.getConnections(peerIdFromString(a.peer)).length === 0),
  conns: async (a) => node.libp2p.getConnections(peerIdFromString(a.peer)).map(describe),
  /** Median RTT over `n` pings on the relayed or the direct connection. */
  rtt: async (a) => {
    const conn = a.kind === 'direct' ? directConn(a.peer) : relayedConn(a.peer)
    if (conn == null) throw new Error(`no ${a.kind} connection to ${a.peer}`)
    const rtts: number[] = []
    for (let i = 0; i < a.n; i++) rtts.push(await pingOver(conn))
    rtts.sort((x, y) => x - y)
    return { medianMs: rtts[Math.floor(rtts.length / 2)], rtts }
  },
  /** Dial an explicit (circuit) address and report the connection. */
  dial: async (a) => describe(await node.libp2p.dial(multiaddr(a.addr), { signal: AbortSignal.timeout(10_000) })),
  /** Push `bytes` to the peer's sink over the relayed connection; reports how far it got. */
  push: async (a) => {
    const conn = relayedConn(a.peer)
    if (conn == null) throw new Error(`no relayed connection to ${a.peer}`)
    const stream = await conn.newStream(SINK_PROTOCOL, { runOnLimitedConnection: true })
    const chunk = new Uint8Array(16 * 1024)
    let sent = 0
    try {
      while (sent < a.bytes) {
        if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(5_000) })
        sent += chunk.byteLength
      }
      await stream.close({ signal: AbortSignal.timeout(5_000) })
      return { sent, error: null }
    } catch (err: any) {
      return { sent, error: err.name }
    }
  },
  /**
   * Send `bytes` to the peer's sink over its relayed or direct connection, timed until the sink
   * reports what it received. A relay's data cap cuts a relayed transfer short: reported, not thrown.
   */
  transfer: async (a) => {
    const conn = a.kind === 'direct' ? directConn(a.peer) : relayedConn(a.peer)
    if (conn == null) throw new Error(`no ${a.kind} connection to ${a.peer}`)
    const stream = await conn.newStream(SINK_PROTOCOL, { runOnLimitedConnection: true, signal: AbortSignal.timeout(10_000) })
    const chunk = new Uint8Array(64 * 1024)
    let reply = ''
    const replied = new Promise<void>(resolve => {
      stream.addEventListener('message', (evt: any) => { reply += new TextDecoder().decode(evt.data.subarray()) })
      stream.addEventListener('close', () => { resolve() })
    })
    const start = performance.now()
    let sent = 0
    let error: string | null = null
    try {
      while (sent < a.bytes) {
        if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(30_000) })
        sent += chunk.byteLength
      }
      await stream.close({ signal: AbortSignal.timeout(60_000) })
      await Promise.race([replied, sleep(60_000)])
    } catch (err: any) {
      error = `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`
    }
    const ms = performance.now() - start
    const received = reply !== '' ? Number(reply) : null
    return { sent, received, ms: Math.round(ms), mibPerS: received != null ? Math.round(received / 1048576 / (ms / 1000) * 10) / 10 : null, error, transport: describe(conn).transport }
  },
  /**
   * Calls by PeerId, the way a user makes them, for `durationMs` from a cold start (no
   * connection): A2A calls, pings and card fetches back to back (each kind at most every
   * `everyMs`), plus one trust handshake request at the start. Counts what succeeded and what the caller saw fail, and
   * which connections the peer had when each failed — to show what a relayed→direct swap does.
   */
  storm: async (a) => {
    const tally: Record<string, { ok: number, failed: number, errors: string[] }> = {}
    const count = async (kind: string, run: () => Promise<unknown>): Promise<void> => {
      const t = (tally[kind] ??= { ok: 0, failed: 0, errors: [] })
      try { await run(); t.ok++ } catch (err: any) {
        t.failed++
        const conns = node.libp2p.getConnections().filter(c => c.remotePeer.toString() === a.target).map(c => describe(c).transport + ':' + c.status)
        if (t.errors.length < 5) t.errors.push(`${err.code ?? err.name}: ${String(err.message).slice(0, 160)} [conns ${conns.join(',')}]`)
      }
    }
    const a2a = async (): Promise<void> => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: crypto.randomUUID(), method: 'SendMessage', params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'ping' }] } } })
      const answer: any = await node.a2a.caller.call(a.target, body)
      if (answer.kind !== 'single' || answer.response.error != null) throw new Error(`A2A answer ${JSON.stringify(answer.response?.error ?? answer.kind)}`)
    }
    // One worker per kind, each making its calls one after another (started `everyMs` apart), so
    // what is measured is the swap, not libp2p's per-protocol stream limits.
    const start = Date.now()
    const worker = async (kind: string, run: () => Promise<unknown>): Promise<void> => {
      while (Date.now() - start < a.durationMs) {
        const began = Date.now()
        await count(kind, run)
        await sleep(Math.max(0, a.everyMs - (Date.now() - began)))
      }
    }
    const running = [worker('a2a', a2a), worker('ping', async () => await node.ping(a.target)), worker('card', async () => await node.a2a.caller.card(a.target, { fresh: true })),
      count('handshake', async () => await node.trust.request(a.target, 'natlab storm'))]
    await Promise.all(running)
    const conns = node.libp2p.getConnections().filter(c => c.remotePeer.toString() === a.target).map(describe)
    return { tally, conns }
  },
  /** Close only the relayed connections to a peer, so what follows can only use the direct one. */
  closeRelayed: async (a) => {
    const relayed = node.libp2p.getConnections(peerIdFromString(a.peer)).filter(c => Circuit.matches(c.remoteAddr))
    await Promise.all(relayed.map(async c => { await c.close() }))
    return relayed.length
  },
  /** The trust handshake: ask (`request`) or answer (`approve`); `allowed` says whether calls pass the gate. */
  trustRequest: async (a) => (await node.trust.request(a.target, 'natlab')).state,
  trustApprove: async (a) => (await node.trust.approve(a.target)).state,
  allowed: async (a) => node.trust.isAllowed(a.target),
  card: async (a) => (await node.a2a.caller.card(a.target, { fresh: true })).card.name,
  /** One A2A SendMessage; answers the reply text (the example agent answers "ping" with "pong"). */
  a2a: async (a) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: crypto.randomUUID(), method: 'SendMessage', params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: a.text }] } } })
    const answer: any = await node.a2a.caller.call(a.target, body)
    if (answer.kind !== 'single') throw new Error('expected a single answer')
    if (answer.response.error != null) throw new Error(`A2A error ${JSON.stringify(answer.response.error)}`)
    return answer.response.result.message?.parts?.[0]?.text ?? answer.response.result.task?.status?.state
  },
  /** Every address the node knows for itself, with whether it is verified (a UPnP mapping starts unverified). */
  ownAddresses: async () => (node.libp2p as any).components.addressManager.getAddressesWithMetadata().map((m: any) => ({ addr: m.multiaddr.toString(), verified: m.verified, type: m.type })),
  hangUp: async (a) => { await node.libp2p.hangUp(peerIdFromString(a.peer)); return true },
  stop: async () => { await node.stop(); setImmediate(() => process.exit(0)); return true }
}

send({ event: 'ready', peerId: node.peerId.toString(), addresses: node.addresses() })
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const { id, op, ...args } = JSON.parse(line)
  ops[op](args).then(result => { send({ id, result }) }, (err: any) => { send({ id, error: { name: err.name, message: err.message } }) })
}
// stdin closed: the runner is gone, so go too.
await node.stop()
process.exit(0)

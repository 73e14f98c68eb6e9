// WebRTC between two relayed nodes on 127.0.0.1 (no namespaces, so it runs in every `npm test`):
// the `nat` config, the /webrtc addresses, a direct WebRTC connection made by a call by PeerId, and
// the gate, handshake, card, A2A and ping over it. The NAT lab (natlab.test.ts) proves the same
// through real NATs with a STUN server; here ICE needs no STUN (host candidates on loopback).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Circuit, WebRTC } from '@multiformats/multiaddr-matcher'
import { multiaddr } from '@multiformats/multiaddr'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'
import { validateConfig } from '../src/config/index.ts'
import { waitFor, LOCALHOST_LIMITS } from './helpers/testnet.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

let relay: AgentNode, a: AgentNode, b: AgentNode

before(async () => {
  relay = await createAgentNode({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], relay: { server: true }, dht: { mode: 'server' }, limits: LOCALHOST_LIMITS, log: { level: 'silent' } })
  await relay.start()
  const via = relay.addresses()[0]
  // No TCP listen address: the relay is the only way in, as behind a NAT.
  const natted = async (extra: Record<string, unknown> = {}): Promise<AgentNode> => {
    const node = await createAgentNode({ dataDir: await tempDir(), listen: [], bootstrap: [via], relay: { reservations: [via] }, nat: { webrtc: true, stun: [] }, limits: LOCALHOST_LIMITS, log: { level: 'silent' }, ...extra })
    await node.start()
    return node
  }
  a = await natted({ a2a: { exampleAgent: true } })
  b = await natted()
  const advertisesWebRTC = (n: AgentNode): boolean => n.addresses().some(x => WebRTC.matches(multiaddr(x)))
  await waitFor('WebRTC addresses advertised', () => advertisesWebRTC(a) && advertisesWebRTC(b))
  // As the lab does: a node is findable by PeerId only once the DHT server has its /p2p-circuit
  // address, a moment after the reservation (a lookup then says "not found": docs/nat.md, open problems).
  await waitFor('a findable by PeerId', async () => {
    for await (const evt of b.libp2p.services.dht.findPeer(a.peerId, { useCache: false, signal: AbortSignal.timeout(5_000) })) {
      if (evt.name === 'FINAL_PEER' && evt.peer.multiaddrs.some(m => Circuit.matches(m))) return true
    }
    return false
  })
})
after(async () => {
  await Promise.all([a?.stop(), b?.stop(), relay?.stop()])
  await removeTempDirs()
})

test('nat.stun takes STUN URLs only, and says so', () => {
  assert.throws(() => validateConfig({ dataDir: 'x', nat: { webrtc: true, stun: ['stun.example.net:3478'] } }, '/tmp'), /nat\.stun\.0: must be a STUN URL such as stun:stun\.example\.net:3478/)
  assert.throws(() => validateConfig({ dataDir: 'x', nat: { webrtc: 'yes' } }, '/tmp'), /nat\.webrtc/)
  const ok = validateConfig({ dataDir: 'x', nat: { webrtc: true, stun: ['stun:stun.example.net:3478', 'stuns:stun.example.net'] } }, '/tmp')
  assert.deepEqual(ok.nat.stun, ['stun:stun.example.net:3478', 'stuns:stun.example.net'])
  // Off by default (WebRTC and UPnP), and no STUN server unless named.
  assert.deepEqual(validateConfig({ dataDir: 'x' }, '/tmp').nat, { webrtc: false, stun: [], upnp: false })
})

test('a call by PeerId to a relayed node goes over a direct WebRTC connection; gate, handshake, card, A2A and ping work on it', async () => {
  const target = a.peerId.toString()
  await b.ping(target)
  const conns = (): string[] => b.libp2p.getConnections(a.peerId).filter(c => c.status === 'open').map(c => c.remoteAddr.toString())
  await waitFor('a WebRTC connection', () => conns().some(x => x.includes('/webrtc')))
  // Only WebRTC from here on: close the relayed connections on both sides.
  for (const [from, to] of [[b, a], [a, b]] as const) {
    await Promise.all(from.libp2p.getConnections(to.peerId).filter(c => !c.remoteAddr.toString().includes('/webrtc')).map(async c => { await c.close() }))
  }
  assert.deepEqual(conns().map(x => x.includes('/webrtc')), [true])
  assert.equal((await b.connect(target)).direct, true)

  const call = async (): Promise<any> => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method: 'SendMessage', params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'ping' }] } } })
    return await b.a2a.caller.call(target, body)
  }
  // The gate holds over WebRTC as over TCP: a stranger's call is refused.
  await assert.rejects(call())
  await b.trust.request(target, 'webrtc test')
  await a.trust.approve(b.peerId.toString())
  await waitFor('mutual trust', () => b.trust.isAllowed(target))
  assert.equal((await b.a2a.caller.card(target, { fresh: true })).card.name, 'agentwire example agent')
  const answer = await call()
  assert.equal(answer.response.result.message.parts[0].text, 'pong')
  await b.ping(target)
  // Everything went over the one WebRTC connection: no relayed connection was opened again.
  assert.deepEqual(conns().map(x => x.includes('/webrtc')), [true])
})

// What gossip and idle upkeep cost a node, counted (never timed) on real nodes over 127.0.0.1 (issue 21:
// gossip latency and idle cost). Each test counts work a node does: signature checks per report
// received, keep-alive pings per minute.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { testnet, waitFor } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { TRUST_TOPIC } from '../src/reputation/index.ts'
import type { AgentNode } from '../src/agent-node.ts'

test.after(async () => { await removeTempDirs() })

/** GossipSub signs "libp2p-pubsub:" + the message; counting verifications of such bytes counts its envelope checks. */
const PUBSUB_PREFIX = new TextEncoder().encode('libp2p-pubsub:')
const isPubsubEnvelope = (data: Uint8Array): boolean => PUBSUB_PREFIX.every((b, i) => data[i] === b)
/** GossipSub's mesh for a topic (public in the implementation, not in its exported interface). */
const meshOf = (node: AgentNode, topic: string): string[] => (node.libp2p.services.pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(topic)

test('a node checks the GossipSub signature of a report once, however many peers hand it a copy', async (t) => {
  // Four nodes, every pair connected: GossipSub's mesh (D = 6) holds every peer, so the publisher's
  // report reaches the watcher from the publisher itself (flood publish) and again from each of the
  // two others, which forward it to their mesh.
  const net = await testnet(4, t)
  const [publisher, , , watcher] = net.nodes
  for (let i = 1; i < 4; i++) for (let j = i + 1; j < 4; j++) await net.nodes[i].connect(net.nodes[j].addresses()[0])
  await waitFor('every node to have the three others in its trust-topic mesh', () =>
    net.nodes.every(n => meshOf(n, TRUST_TOPIC).length === 3), 30_000)

  // Count, at the watcher only, the copies GossipSub hands in and the envelope signatures it checks.
  // The key class is shared by every node in this process; the watcher's checks are told apart by
  // running only while the watcher handles a message (GossipSub verifies before its first await).
  const pubsub = watcher.libp2p.services.pubsub as unknown as { handleReceivedMessage: (from: unknown, msg: { topic: string }) => Promise<void> }
  const proto = Object.getPrototypeOf((await generateKeyPair('Ed25519')).publicKey) as { verify: (data: Uint8Array, sig: Uint8Array) => boolean | Promise<boolean> }
  const verify = proto.verify
  let inWatcher = false
  let copies = 0
  let envelopeChecks = 0
  proto.verify = function (this: unknown, data: Uint8Array, sig: Uint8Array) {
    if (inWatcher && isPubsubEnvelope(data)) envelopeChecks++
    return verify.call(this, data, sig)
  }
  t.after(() => { proto.verify = verify })
  const handle = pubsub.handleReceivedMessage.bind(pubsub)
  pubsub.handleReceivedMessage = async (from, msg) => {
    if (msg.topic !== TRUST_TOPIC) return await handle(from, msg)
    copies++
    inWatcher = true
    const done = handle(from, msg)
    inWatcher = false
    await done
  }

  await publisher.reputation.rate(net.nodes[1].peerId.toString(), 'ok')
  await waitFor('the watcher to hold the report', () => watcher.reputation.storeStats().holds(publisher.peerId.toString(), net.nodes[1].peerId.toString()))
  await waitFor('the other two copies to arrive', () => copies >= 3, 10_000)
  t.diagnostic(`copies received ${copies}, GossipSub envelope signatures checked ${envelopeChecks}`)
  assert.equal(envelopeChecks, 1, `the watcher got ${copies} copies of one report and checked the signature ${envelopeChecks} times; copies after the first are duplicates`)
})

// Names no stranger can take over, over a real DHT on 127.0.0.1: a newcomer's claim (however large
// its seq) sits beside the owner's instead of replacing it; a node that pinned the owner keeps
// resolving the owner; a node that has nothing to choose by is told NAME_AMBIGUOUS, not handed the
// newest claimant.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromString } from 'uint8arrays'
import { testnet, waitFor, LOCALHOST_LIMITS, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs, tempDir } from './helpers/tmp.ts'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'
import { createStack, type AgentLibp2p } from '../src/node/libp2p.ts'
import { validateConfig } from '../src/config/index.ts'
import { openDatastore, closeDatastore } from '../src/node/datastore.ts'
import { nameKey, signClaim, signNameRecord, encodeClaimSet, NAME_NAMESPACE } from '../src/naming/index.ts'

let net: Testnet
const extra: AgentNode[] = []
let attacker: AgentLibp2p | undefined
let closeAttackerStore: (() => Promise<void>) | undefined
const hub = (): string => net.nodes[0].addresses()[0]

async function node (config: Record<string, unknown> = {}): Promise<AgentNode> {
  const n = await createAgentNode({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS, bootstrap: [hub()], ...config })
  extra.push(n)
  await n.start()
  return n
}

/** What each running DHT server holds for a name right now: server PeerId → claimant PeerIds. */
async function storedClaimants (name: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const n of [...net.nodes, ...extra].filter(n => n.libp2p.status === 'started')) out.set(n.peerId.toString(), await claimsOn(n, name))
  return out
}

async function claimsOn (n: AgentNode, name: string): Promise<string[]> {
  const { Libp2pRecord } = await import('@libp2p/record')
  const { Key } = await import('interface-datastore')
  const { toString } = await import('uint8arrays')
  try {
    const raw = await (n.claims.datastore).get(new Key(`/agentwire-dht/record/${toString(nameKey(name), 'base32')}`, false))
    return JSON.parse(toString(Libp2pRecord.deserialize(raw).value)).claims.map((c: any) => c.peerId)
  } catch {
    return []
  }
}

/**
 * A real attacker: a libp2p stack speaking our DHT protocol whose own validator accepts anything,
 * so it sends whatever it likes to the servers (ours would refuse to even store it locally).
 */
async function attackerStack (): Promise<AgentLibp2p> {
  const config = validateConfig({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], limits: LOCALHOST_LIMITS })
  const datastore = await openDatastore(config.dataDir)
  closeAttackerStore = async () => { await closeDatastore(config.dataDir, datastore) }
  const lib = await createStack({
    config,
    privateKey: await generateKeyPair('Ed25519'),
    datastore,
    dhtValidators: { [NAME_NAMESPACE]: async () => {} },
    dhtSelectors: { [NAME_NAMESPACE]: () => 0 }
  })
  await lib.start()
  await lib.dial((await import('@multiformats/multiaddr')).multiaddr(hub()))
  await waitFor('the attacker to know DHT peers', () => ((lib.services.dht as any).routingTable?.size ?? 0) > 2)
  return lib
}

/** Send a raw PUT for a name through the attacker; how many servers stored it and how many refused. */
async function attackPut (name: string, value: Uint8Array): Promise<{ stored: number, refused: number }> {
  let stored = 0
  let refused = 0
  for await (const e of attacker!.services.dht.put(nameKey(name), value, { signal: AbortSignal.timeout(15_000) })) {
    if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') stored++
    if (e.name === 'QUERY_ERROR') refused++
  }
  return { stored, refused }
}

before(async () => {
  net = await testnet(8, { config: i => (i === 3 ? { name: 'n3' } : {}) })
  attacker = await attackerStack()
})
after(async () => {
  await attacker?.stop()
  await closeAttackerStore?.()
  await Promise.allSettled(extra.map(n => n.stop()))
  await net.stop()
  await removeTempDirs()
})

test('a newcomer claiming a pinned name, with any seq, never displaces the owner', async () => {
  const owner = net.nodes[3]
  const pinner = net.nodes[7]
  const first = await waitFor('n3 to resolve', async () => await pinner.resolve('n3'))
  assert.equal(first.peerId, owner.peerId.toString())
  assert.equal(first.newlyPinned, true)

  // The attack of the issue: a claim with seq 2^53-1, signed by its own key (so it is "valid" but
  // for its clock). Every server refuses it: seq is a clock reading, and this one is from the future.
  const squatKey = await generateKeyPair('Ed25519')
  const squatId = peerIdFromPrivateKey(squatKey).toString()
  const huge = await signNameRecord(squatKey, { name: 'n3', peerId: squatId, seq: Number.MAX_SAFE_INTEGER, expiresAt: Date.now() + 3_600_000 })
  const hugeOutcome = await attackPut('n3', huge)
  assert.equal(hugeOutcome.stored, 0, 'no server stores a claim from the future')
  assert.ok(hugeOutcome.refused > 0)

  // A real newcomer node with the same name (its seq is larger than the owner's: it started later).
  const ownerId = owner.peerId.toString()
  const before = [...(await storedClaimants('n3'))].filter(([, c]) => c.includes(ownerId)).map(([server]) => server)
  assert.ok(before.length > 0, 'some servers hold the owner')
  const squatter = await node({ name: 'n3' })
  await waitFor('the squatter to publish', () => (squatter.naming.lastPublished?.peersReached ?? 0) > 0)
  assert.ok(squatter.naming.lastPublished!.seq > owner.naming.lastPublished!.seq)
  // Every server that held the owner still does; the squatter's puts merged beside it.
  const after = await storedClaimants('n3')
  for (const server of before) assert.ok(after.get(server)!.includes(ownerId), `server ${server} still holds the owner`)
  assert.ok(before.some(server => after.get(server)!.includes(squatter.peerId.toString())), 'some server holds both claimants')

  // The pinning node still resolves the owner, and is told about the other claimant.
  const again = await pinner.resolve('n3')
  assert.equal(again.peerId, owner.peerId.toString())
  assert.equal(again.newlyPinned, false)
  assert.deepEqual(again.otherClaimants.map(c => c.peerId), [squatter.peerId.toString()])
  assert.match(again.warnings.join('\n'), /1 other PeerId also claims "n3"/)
  assert.equal((await pinner.ping('n3')).peerId, owner.peerId.toString())

  // A fresh node has nothing to choose by: NAME_AMBIGUOUS, listing both, with the command to pick.
  const fresh = await node()
  const err: any = await waitFor('n3 to be reported ambiguous', async () => {
    try { await fresh.resolve('n3'); return undefined } catch (e: any) { if (e.code === 'NAME_AMBIGUOUS') return e; throw e }
  })
  assert.deepEqual(err.details.claimants.map((c: any) => c.peerId).sort(), [owner.peerId.toString(), squatter.peerId.toString()].sort())
  for (const c of err.details.claimants) {
    assert.equal(c.reachable, true, `${c.peerId} is running, so reachable`)
    assert.ok(c.firstSeen != null && !Number.isNaN(Date.parse(c.firstSeen)), 'first seen is a date')
  }
  assert.match(err.message, new RegExp(owner.peerId.toString()))
  assert.match(err.message, new RegExp(squatter.peerId.toString()))
  assert.match(err.hint, /agentwire resolve n3 --pick <PeerId>/)
  assert.equal(err.details.pick, 'agentwire resolve n3 --pick <PeerId>')
  // Every command that takes a target says the same, and nothing was pinned by the failure.
  await assert.rejects(fresh.ping('n3'), (e: any) => e.code === 'NAME_AMBIGUOUS')
  await assert.rejects(fresh.connect('n3'), (e: any) => e.code === 'NAME_AMBIGUOUS')
  assert.equal(await fresh.naming.pinned('n3'), undefined)

  // Trusting the owner settles it for this node.
  await fresh.trust.approve(owner.peerId.toString())
  const trusted = await fresh.resolve('n3')
  assert.equal(trusted.peerId, owner.peerId.toString())
  assert.equal(trusted.otherClaimants.length, 1)
  assert.equal((await fresh.ping('n3')).peerId, owner.peerId.toString())

  // A pick settles it too, and a pick of a PeerId that does not claim the name is refused.
  const other = await node()
  await waitFor('n3 to be listed', async () => {
    try { await other.resolve('n3'); return false } catch (e: any) { return e.code === 'NAME_AMBIGUOUS' && e.details.claimants.length === 2 }
  })
  await assert.rejects(other.resolve('n3', { pick: peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() }), (e: any) => e.code === 'NAME_PICK_REFUSED' && /does not claim this name/.test(e.message))
  const picked = await other.resolve('n3', { pick: owner.peerId.toString() })
  assert.equal(picked.peerId, owner.peerId.toString())
  assert.equal(picked.newlyPinned, true)
  assert.equal((await other.resolve('n3')).peerId, owner.peerId.toString())
})

test('the owner restarted on a new port while a squatter is present is still found by a node that pinned it', async () => {
  const old = net.nodes[3]
  const pinner = net.nodes[7]
  assert.equal((await pinner.naming.pinned('n3'))?.toString(), old.peerId.toString())
  const dataDir = old.config.dataDir
  const oldAddresses = old.addresses()
  await old.stop()
  const moved = await node({ dataDir, name: 'n3' })
  assert.equal(moved.peerId.toString(), old.peerId.toString())
  assert.notDeepEqual(moved.addresses(), oldAddresses)
  const pong = await waitFor('the moved owner to answer by name', async () => await pinner.ping('n3'))
  assert.equal(pong.peerId, moved.peerId.toString())
  const resolved = await pinner.resolve('n3')
  assert.equal(resolved.peerId, moved.peerId.toString())
  assert.ok(resolved.otherClaimants.length >= 1, 'the squatter is still reported')
})

test('padded, mis-shaped and future-dated claims are refused by every server', async () => {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key).toString()
  const claim = await signClaim(key, { name: 'padded', peerId, seq: Date.now(), expiresAt: Date.now() + 60_000 })
  const padded = fromString(JSON.stringify({ claims: [{ ...claim, pad: 'x'.repeat(700) }] }))
  const extraTop = fromString(JSON.stringify({ claims: [claim], pad: 'x'.repeat(700) }))
  const farExpiry = encodeClaimSet([await signClaim(key, { name: 'padded', peerId, seq: Date.now(), expiresAt: Date.now() + 30 * 24 * 3_600_000 })])
  for (const [what, value] of [['unknown field in a claim', padded], ['unknown field in the set', extraTop], ['expiry a month ahead', farExpiry]] as const) {
    const outcome = await attackPut('padded', value)
    assert.equal(outcome.stored, 0, `${what}: no server stores it`)
  }
  // The same claim, well-formed, is stored: the refusals were about the padding, not the claimant.
  const good = await attackPut('padded', encodeClaimSet([claim]))
  assert.ok(good.stored > 0)
})

test('one key claiming many names gets at most 8 per server; the rest are refused', async () => {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key).toString()
  let stored = 0
  let refused = 0
  for (let i = 0; i < 20; i++) {
    const value = await signNameRecord(key, { name: `flood-${i}`, peerId, seq: Date.now(), expiresAt: Date.now() + 60_000 })
    const outcome = await attackPut(`flood-${i}`, value)
    stored += outcome.stored
    refused += outcome.refused
  }
  assert.ok(refused > 0, 'some puts were refused')
  for (const n of [...net.nodes, ...extra].filter(n => n.libp2p.status === 'started')) {
    let held = 0
    for (let i = 0; i < 20; i++) if ((await claimsOn(n, `flood-${i}`)).includes(peerId)) held++
    assert.ok(held <= 8, `a server holds ${held} names of one key`)
  }
  assert.ok(stored > 0)
})

// Issue 17's attacks on real nodes over 127.0.0.1: Sybils that copy the victim's own public reports to
// look credible, then try to quarantine an honest peer and to admit a stranger under
// `trust.policy: reputation`; a stranger's refused call, which must cost the callee nothing; and
// copiers made credible by copying the victim's anchor, related by the vouch of an attacker that
// served the victim well (session vouch17).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { TRUST_TOPIC, signReport, encodeReport, type ReputationEvent, type ReportJson } from '../src/reputation/index.ts'
import { CREDIBILITY_REFRESH_MS } from '../src/reputation/params.ts'

// Roles: 0 victim (the hub, admits by reputation), 1 attacker (publishes for its Sybils), 2 honest
// peer the Sybils badmouth, 3 stranger they praise, 4 bystander that has served the victim well.
// The attacker answers anyone's A2A calls (policy open, the example agent): it can serve the victim.
const VICTIM = 0
const ATTACKER = 1
const HONEST = 2
const STRANGER = 3
const BYSTANDER = 4
const SYBILS = 12
const VICTIM_SUBJECTS = 8

let net: Testnet
const events: ReputationEvent[][] = []
const watchStop = new AbortController()
const id = (i: number): string => net.nodes[i].peerId.toString()
const reportsAt = (i: number, filter: (r: ReportJson) => boolean): ReportJson[] => events[i].flatMap(e => e.type === 'report' && filter(e.report) ? [e.report] : [])

async function freshKeys (n: number): Promise<Array<{ key: PrivateKey, id: string }>> {
  return await Promise.all(Array.from({ length: n }, async () => {
    const key = await generateKeyPair('Ed25519')
    return { key, id: peerIdFromPrivateKey(key).toString() }
  }))
}

let seq = Date.now()
/** The attacker's node publishes, on the topic, a report signed by one of its throwaway keys. */
async function say (from: { key: PrivateKey, id: string }, subject: string, positive: number, negative: number, issuedAt = Date.now(), vouch = 0): Promise<void> {
  const report = await signReport(from.key, { issuer: from.id, subject, positive, negative, vouch, seq: ++seq, issuedAt, expiresAt: Date.now() + 3_600_000 })
  await net.nodes[ATTACKER].libp2p.services.pubsub.publish(TRUST_TOPIC, encodeReport(report))
}

/** Waits out the victim's reuse of its anchors' opinion of a peer (up to CREDIBILITY_REFRESH_MS). */
const refresh = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, CREDIBILITY_REFRESH_MS + 1000)) }

/**
 * Hole (1), on real nodes: `n` fresh keys republish, nudged, what the victim's anchor published about
 * four fresh peers; then the anchor deals with those peers again and publishes, and the copies look
 * like reports that came first and agree with it. Returns the copiers, credible on the victim.
 */
async function copyTheAnchor (anchorNode: number, n: number): Promise<Array<{ key: PrivateKey, id: string }>> {
  const anchor = net.nodes[anchorNode].reputation
  const subjects = await freshKeys(4)
  for (const s of subjects) { await anchor.rate(s.id, 'ok'); await anchor.rate(s.id, 'ok') }
  const published = (await waitFor('the attacker to read the anchor\'s reports', () => {
    const latest = new Map(reportsAt(ATTACKER, r => r.issuer === id(anchorNode) && subjects.some(s => s.id === r.subject) && r.positive > 1.5).map(r => [r.subject, r]))
    return latest.size === subjects.length ? [...latest.values()] : undefined
  }))!
  const copiers = await freshKeys(n)
  for (const [k, c] of copiers.entries()) for (const r of published) await say(c, r.subject, r.positive + 0.001 * (k + 1), r.negative)
  await waitFor('the victim to accept every copy', () => reportsAt(VICTIM, r => copiers.some(c => c.id === r.issuer) && subjects.some(s => s.id === r.subject)).length >= n * subjects.length)
  // The anchor's next dealings with the same peers, published: now newer than the copies. (Waited
  // for first: a node takes a burst of 3 reports per issuer and subject, then one per 10 s; and the
  // victim reuses its anchors' opinion of a peer for up to CREDIBILITY_REFRESH_MS.)
  await refresh()
  for (const s of subjects) await anchor.rate(s.id, 'ok')
  await waitFor('the victim to get the anchor\'s new reports', () => subjects.every(s => reportsAt(VICTIM, r => r.issuer === id(anchorNode) && r.subject === s.id && r.positive > 2.5).length > 0))
  return copiers
}

/** An A2A SendMessage from node `from` to node `to`: true when answered, else the error's code. */
async function ask (from: number, to: number, text: string): Promise<true | string> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method: 'SendMessage', params: { message: { kind: 'message', messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }] } } })
  return await net.nodes[from].a2a.caller.call(id(to), body).then(answer => answer.kind === 'single' || 'not single', (err: any) => String(err.code))
}

before(async () => {
  net = await testnet(5, {
    config: i => ({
      reputation: { publishIntervalMs: 100, republishIntervalMs: 600_000 },
      ...(i === VICTIM ? { trust: { policy: 'reputation' as const }, a2a: { exampleAgent: true } } : {}),
      ...(i === ATTACKER ? { trust: { policy: 'open' as const }, a2a: { exampleAgent: true } } : {})
    })
  })
  for (const [i, node] of net.nodes.entries()) {
    events[i] = []
    void (async () => { for await (const e of node.reputation.watch({ signal: watchStop.signal })) events[i].push(e) })()
  }
  await waitFor('every node to see trust-topic peers', () => net.nodes.every(n => n.libp2p.services.pubsub.getSubscribers(TRUST_TOPIC).length > 0), 20_000)
})

after(async () => {
  watchStop.abort()
  await net.stop()
  await removeTempDirs()
})

test('Sybils that copy the victim\'s own reports neither quarantine an honest peer nor admit a stranger', async () => {
  const victim = net.nodes[VICTIM].reputation
  // The victim's own dealings, published on the topic for anyone to read.
  const subjects = await freshKeys(VICTIM_SUBJECTS)
  for (const s of subjects) { await victim.rate(s.id, 'ok'); await victim.rate(s.id, 'ok') }
  const own = (await waitFor('the attacker to read the victim\'s reports', () => {
    const seen = reportsAt(ATTACKER, r => r.issuer === id(VICTIM) && subjects.some(s => s.id === r.subject) && r.positive > 1.5)  // two rates, decayed between them: 1.999…
    const latest = new Map(seen.map(r => [r.subject, r]))
    return latest.size === VICTIM_SUBJECTS ? [...latest.values()] : undefined
  }))!
  // Twelve throwaway identities echo them: counts nudged (not a byte-for-byte copy) and backdated
  // before the victim's own report, so neither an exact-repeat check nor the signed date alone stops them.
  const sybils = await freshKeys(SYBILS)
  for (const [k, sybil] of sybils.entries()) {
    for (const r of own) await say(sybil, r.subject, r.positive + 0.001 * (k + 1), r.negative, r.issuedAt - 1000)
  }
  await waitFor('the victim to accept every echo', () => reportsAt(VICTIM, r => sybils.some(s => s.id === r.issuer)).length >= SYBILS * VICTIM_SUBJECTS)
  for (const sybil of sybils) assert.ok(victim.get(sybil.id).state !== 'accept')

  // Control: a peer that has served the victim well is believed about a cheat it caught.
  const cheat = (await freshKeys(1))[0]
  await victim.rate(id(BYSTANDER), 'ok'); await victim.rate(id(BYSTANDER), 'ok')
  await net.nodes[BYSTANDER].reputation.rate(cheat.id, 'invalid'); await net.nodes[BYSTANDER].reputation.rate(cheat.id, 'invalid')
  await waitFor('the victim to refuse a peer its related bystander caught cheating', () => ['refuse', 'quarantined'].includes(victim.get(cheat.id).state))

  // Now the lies: "the honest peer is malicious", "the stranger is excellent".
  for (const sybil of sybils) { await say(sybil, id(HONEST), 0, 4); await say(sybil, id(STRANGER), 10, 0) }
  await waitFor('the victim to accept every lie', () => reportsAt(VICTIM, r => sybils.some(s => s.id === r.issuer) && (r.subject === id(HONEST) || r.subject === id(STRANGER))).length >= 2 * SYBILS)

  const honest = victim.get(id(HONEST))
  assert.equal(victim.quarantineRecord(id(HONEST)), undefined, `the honest peer was quarantined: ${JSON.stringify(honest)}`)
  assert.ok(!['refuse', 'quarantined'].includes(honest.state), `the honest peer is ${honest.state}`)
  assert.equal(honest.condemnedBy, 0, 'strangers never count as condemnations')
  await net.nodes[HONEST].ping(id(VICTIM)) // still served
  const stranger = victim.get(id(STRANGER))
  assert.notEqual(stranger.state, 'accept', `the stranger was admitted: ${JSON.stringify(stranger)}`)
  assert.ok(stranger.evidence.strangers.positive <= net.nodes[VICTIM].config.reputation.reporterCap, 'all strangers together weigh at most one reporter\'s cap')
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { kind: 'message', messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'let me in' }] } } })
  await assert.rejects(net.nodes[STRANGER].a2a.caller.call(id(VICTIM), body), (err: any) => err.code === 'NOT_TRUSTED')
})

test('a refused call leaves the callee\'s reputation untouched on every node', async () => {
  // The honest peer has not asked the victim for trust, nor worked for it: its call is refused by policy.
  const CALLER = HONEST
  const caller = net.nodes[CALLER]
  const before = net.nodes.map(n => n.reputation.get(id(VICTIM)))
  const body = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'SendMessage', params: { message: { kind: 'message', messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hello before the handshake' }] } } })
  await assert.rejects(caller.a2a.caller.call(id(VICTIM), body), (err: any) => err.code === 'NOT_TRUSTED')
  // A later report by the caller, as a marker: once every node has it, a report about the victim
  // published after the refusal would have arrived too.
  const marker = (await freshKeys(1))[0].id
  await caller.reputation.rate(marker, 'ok')
  await waitFor('the marker to reach every node', () => net.nodes.every((_, i) => i === CALLER || reportsAt(i, r => r.issuer === id(CALLER) && r.subject === marker).length > 0))
  assert.equal(events[CALLER].filter(e => e.type === 'outcome' && e.peerId === id(VICTIM)).length, 0, 'no outcome recorded against the callee')
  for (const [i, node] of net.nodes.entries()) {
    assert.equal(reportsAt(i, r => r.issuer === id(CALLER) && r.subject === id(VICTIM)).length, 0, `node ${i} got a report about the callee`)
    const now = node.reputation.get(id(VICTIM))
    assert.deepEqual({ score: now.score, state: now.state, evidence: now.evidence }, { score: before[i].score, state: before[i].state, evidence: before[i].evidence }, `node ${i}'s view of the callee moved`)
  }
})

test('Sybils that copy our anchor\'s public reports cannot keep an honest peer it praises out of accept', async () => {
  // Issue 17's open holes, chained (sessions h17, r17c): fresh keys republish, nudged, what the
  // victim's anchor (trusted by handshake) published; once the anchor deals with those peers again
  // and republishes, the copies look like reports that came first and agree with it — credible
  // strangers at no cost. Then they condemn an honest peer the anchor praises. Before the fix one
  // credible stranger's condemnation voided the anchor's praise: the honest peer dropped out of
  // `accept` and, under `trust.policy: reputation`, its A2A call was refused (NOT_TRUSTED).
  const victim = net.nodes[VICTIM].reputation
  const ANCHOR = BYSTANDER
  await net.trust(net.nodes[ANCHOR], net.nodes[VICTIM])
  assert.ok(net.nodes[VICTIM].trust.isTrusted(id(ANCHOR)), 'the anchor is trusted by handshake')
  const anchor = net.nodes[ANCHOR].reputation
  const copiers = await copyTheAnchor(ANCHOR, SYBILS)
  // The anchor's good work with the honest peer, published.
  for (let i = 0; i < 4; i++) await anchor.rate(id(HONEST), 'ok')
  await waitFor('the victim to accept the honest peer on its anchor\'s word', () => victim.get(id(HONEST)).state === 'accept')
  await refresh()
  for (const c of copiers) await say(c, id(HONEST), 0, 4)
  await waitFor('the victim to accept every condemnation', () => reportsAt(VICTIM, r => copiers.some(c => c.id === r.issuer) && r.subject === id(HONEST)).length >= SYBILS)
  const honest = victim.get(id(HONEST))
  const served = await ask(HONEST, VICTIM, 'still served')
  assert.deepEqual({ state: honest.state, served }, { state: 'accept', served: true }, `the copiers kept the honest peer out: ${JSON.stringify(honest)}`)
  assert.equal(honest.condemnedBy, 0, 'strangers never count as condemnations')
})

test('an attacker that served the victim well cannot vouch copiers into quarantining an honest peer', async () => {
  // The chain (session vouch17): the attacker answers two of the victim's tasks (real A2A calls,
  // recorded by the victim as `ok`: it "served us well", so it is related); it vouches for six fresh
  // keys (related by its vouch, one step); they copy the victim's anchor (credible, hole 1, as in
  // the test above); then all six say a peer the victim never dealt with cheated them. Before the
  // fix: six related, credible condemnations and no related supporter — condemnReporters (6) — so
  // the victim quarantined that peer on reports alone and refused its calls. Now one voucher's
  // vouchees count as one reporter: one condemnation, which the attacker could give alone.
  const victim = net.nodes[VICTIM].reputation
  const TARGET = STRANGER // honest; the victim never dealt with it, no related peer reports on it
  const n = net.nodes[VICTIM].config.reputation.condemnReporters
  assert.ok(net.nodes[VICTIM].trust.isTrusted(id(BYSTANDER)) && !net.nodes[VICTIM].trust.isTrusted(id(ATTACKER)), 'the bystander is the anchor (test above), the attacker is not')
  const copiers = await copyTheAnchor(BYSTANDER, n)
  for (let i = 0; i < 2; i++) assert.equal(await ask(VICTIM, ATTACKER, `task ${i}`), true)
  await waitFor('the victim to record that the attacker served it well', () => victim.get(id(ATTACKER)).state === 'accept')
  const attacker = { key: net.nodes[ATTACKER].key, id: id(ATTACKER) }
  for (const c of copiers) await say(attacker, c.id, 0, 0, Date.now(), 1)
  await waitFor('the victim to accept every vouch', () => reportsAt(VICTIM, r => r.issuer === id(ATTACKER) && r.vouch > 0 && copiers.some(c => c.id === r.subject)).length >= n)
  await refresh() // the anchor's new reports now feed the victim's credibility checks
  for (const c of copiers) await say(c, id(TARGET), 0, 4)
  await waitFor('the victim to accept every condemnation', () => reportsAt(VICTIM, r => copiers.some(c => c.id === r.issuer) && r.subject === id(TARGET)).length >= n)
  const target = victim.get(id(TARGET))
  assert.equal(victim.quarantineRecord(id(TARGET)), undefined, `the vouched copiers quarantined an honest peer: ${JSON.stringify(target)}`)
  assert.equal(target.condemnedBy, 1, `one voucher's vouchees are one condemnation: ${JSON.stringify(target)}`)
  await net.nodes[TARGET].ping(id(VICTIM)) // still connected and answered
})

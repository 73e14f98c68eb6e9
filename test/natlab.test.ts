// NAT traversal on real NATs: the scenarios of scripts/natlab in Linux network namespaces. Runs in
// every `npm test` as root with iproute2 + nftables + coturn (STUN) + miniupnpd (UPnP) — .ci/run
// installs them — and is skipped with the reason printed otherwise (or with AGENTWIRE_NATLAB=0).
// Asserts behaviour, never a duration. NATLAB_LOG_DIR=<dir> keeps every lab node's log (see docs/nat.md).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { labUp, labDown, stopAllNodes, missingTools } from '../scripts/natlab/lab.ts'
import { runScenarios } from '../scripts/natlab/main.ts'
import type { ScenarioResult } from '../scripts/natlab/scenarios.ts'

const missing = missingTools()
const skip = process.env.AGENTWIRE_NATLAB === '0'
  ? 'AGENTWIRE_NATLAB=0'
  : process.getuid?.() !== 0
    ? 'NAT lab needs root (it creates network namespaces)'
    : missing.length > 0 ? `NAT lab needs ${missing.join(', ')} (.ci/run installs them)` : false
if (skip !== false) process.stdout.write(`# skipping the NAT lab: ${skip}\n`)

describe('NAT lab', { skip, timeout: 15 * 60_000 }, () => {
  let results: ScenarioResult[] = []
  const row = (name: string): ScenarioResult => {
    const r = results.find(x => x.name === name)
    assert.ok(r != null, `scenario ${name} did not run`)
    return r
  }

  before(async () => {
    labUp()
    // The lean set: every behaviour once or twice; `npm run natlab` runs 20 attempts each for the
    // figures, plus the 64 MiB transfer, the calls-during-the-DCUtR-swap scenario and QUIC.
    results = await runScenarios({ attempts: 2, lean: true, quic: false, swap: false })
  })
  after(async () => { await stopAllNodes(); labDown() })

  it('a NATed node reserves a slot on the relay and calls itself private', () => {
    assert.ok(row('nat-reserves-on-relay').ok, row('nat-reserves-on-relay').note)
  })

  it('a public node learns it is public through AutoNAT', () => {
    assert.ok(row('public-node-autonat-verdict').ok, row('public-node-autonat-verdict').note)
  })

  it('a public node reaches a NATed node by PeerId, and DCUtR makes the connection direct', () => {
    const r = row('public-to-nat-tcp-dcutr')
    assert.ok(r.ok, r.note)
    assert.equal(r.direct, true, r.note)
  })

  it('a NATed node reaches another NATed node by PeerId through the relay (TCP)', () => {
    assert.ok(row('nat-to-nat-tcp-relayed').ok, row('nat-to-nat-tcp-relayed').note)
  })

  it('two NATed nodes with WebRTC and a STUN server go direct on every attempt', () => {
    const r = row('nat-to-nat-webrtc')
    assert.ok(r.ok, r.note)
    assert.equal(r.figures?.direct, r.figures?.attempts, r.note)
  })

  it('over the direct WebRTC connection alone: the gate, the handshake, the card, A2A and ping', () => {
    assert.ok(row('nat-to-nat-webrtc-calls').ok, row('nat-to-nat-webrtc-calls').note)
  })

  it('without a STUN server WebRTC cannot punch, and the nodes still reach each other through the relay', () => {
    assert.ok(row('nat-to-nat-webrtc-no-stun').ok, row('nat-to-nat-webrtc-no-stun').note)
  })

  it('behind a UPnP router (miniupnpd) a node gets its port forwarded and is dialled directly, no relay', () => {
    assert.ok(row('upnp-router-maps-port').ok, row('upnp-router-maps-port').note)
  })

  it('a reservation is renewed before it expires', () => {
    assert.ok(row('reservation-renewed-before-expiry').ok, row('reservation-renewed-before-expiry').note)
  })

  it('after a relay restart the NATed node reserves again and is reachable again', () => {
    assert.ok(row('relay-restart-reservation-renewed').ok, row('relay-restart-reservation-renewed').note)
  })

  it('relay limits are enforced: reservation count, circuit duration, circuit data', () => {
    assert.ok(row('relay-limits-enforced').ok, row('relay-limits-enforced').note)
  })
})

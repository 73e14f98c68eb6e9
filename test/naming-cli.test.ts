// NAME_AMBIGUOUS as a user meets it: a real daemon driven by the real CLI, in human and --json
// output, on a name two in-process nodes claim.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor, LOCALHOST_LIMITS, type Testnet } from './helpers/testnet.ts'
import { writeConfig, startDaemon, runCli, cliJson, type Daemon } from './helpers/daemon.ts'
import { removeTempDirs } from './helpers/tmp.ts'

let net: Testnet
let daemon: Daemon | undefined

before(async () => {
  net = await testnet(5, { config: i => (i === 2 || i === 3 ? { name: 'svc' } : {}) })
})
after(async () => {
  await daemon?.stop()
  await net.stop()
  await removeTempDirs()
})

test('the CLI lists the claimants of an ambiguous name and how to pick one, then resolves the pick', async () => {
  const [owner, squatter] = [net.nodes[2], net.nodes[3]]
  await waitFor('both claimants to publish', () => (owner.naming.lastPublished?.peersReached ?? 0) > 0 && (squatter.naming.lastPublished?.peersReached ?? 0) > 0)
  const config = await writeConfig({ bootstrap: [net.nodes[0].addresses()[0]], limits: LOCALHOST_LIMITS })
  daemon = await startDaemon(config)

  const json = await waitFor('the daemon to see both claimants', async () => {
    const r = await cliJson(['resolve', 'svc', '--config', config])
    return r.error?.code === 'NAME_AMBIGUOUS' && r.error.details.claimants.length === 2 ? r : undefined
  }, 30_000, 500)
  assert.deepEqual(json.error.details.claimants.map((c: any) => c.peerId).sort(), [owner.peerId.toString(), squatter.peerId.toString()].sort())
  for (const c of json.error.details.claimants) {
    assert.equal(typeof c.firstSeen, 'string')
    assert.equal(c.reachable, true)
  }
  assert.equal(json.error.details.pick, 'agentwire resolve svc --pick <PeerId>')

  const human = await runCli(['resolve', 'svc', '--config', config])
  assert.equal(human.code, 1)
  assert.match(human.stderr, /^error: the name "svc" has 2 claimants and none of them is pinned, trusted or domain-verified here/m)
  assert.match(human.stderr, new RegExp(`^  ${owner.peerId.toString()}  first seen \\S+  reachable$`, 'm'))
  assert.match(human.stderr, new RegExp(`^  ${squatter.peerId.toString()}  first seen \\S+  reachable$`, 'm'))
  assert.match(human.stderr, /^hint: .*agentwire resolve svc --pick <PeerId>/m)

  // Every command taking a target says the same.
  const ping = await cliJson(['ping', 'svc', '--config', config])
  assert.equal(ping.error.code, 'NAME_AMBIGUOUS')

  const picked = await runCli(['resolve', 'svc', '--pick', owner.peerId.toString(), '--config', config])
  assert.equal(picked.code, 0, picked.stderr)
  assert.match(picked.stdout, new RegExp(`^svc → ${owner.peerId.toString()}  \\(pinned now`, 'm'))
  assert.match(picked.stdout, new RegExp(`other claimant: ${squatter.peerId.toString()}`))
  const after = await cliJson(['resolve', 'svc', '--config', config])
  assert.equal(after.peerId, owner.peerId.toString())
  assert.equal(after.verified, null)
  assert.deepEqual(after.otherClaimants.map((c: any) => c.peerId), [squatter.peerId.toString()])
  const pong = await cliJson(['ping', 'svc', '--config', config])
  assert.equal(pong.peerId, owner.peerId.toString())
})

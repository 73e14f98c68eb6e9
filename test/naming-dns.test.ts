// Names anchored in a domain: a TXT record at _agentwire.<domain>, served by a real DNS server
// (dnsmasq), names the PeerId; that beats any DHT claim, and a broken proof is refused with why.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { dnsmasq, type Dnsmasq } from './helpers/dnsmasq.ts'
import { removeTempDirs } from './helpers/tmp.ts'

let net: Testnet
let dns: Dnsmasq
/** A DNS server that never answers (its port is reserved, nothing is started on it). */
let silent: Dnsmasq

before(async () => {
  dns = await dnsmasq(['example.com'])
  silent = await dnsmasq(['example.com'])
  net = await testnet(7, {
    config: i => ({
      // node 6 asks a DNS server that does not answer; every other node asks the real one
      naming: { dnsServers: [i === 6 ? silent.server : dns.server], dnsTimeoutMs: 2000 },
      // node 3 squats the domain name in the DHT; node 1 uses a dotted name with no DNS proof
      ...(i === 3 ? { name: 'research.example.com' } : i === 1 ? { name: 'team.example.com' } : {})
    })
  })
  // Every test but the first reads these proofs, so they are set up here rather than by one test.
  const [owner, squatter] = [net.nodes[2], net.nodes[3]]
  await dns.start({
    '_agentwire.research.example.com': [`dnslink=/p2p/${owner.peerId.toString()}`],
    '_agentwire.dnsaddr.example.com': [`dnsaddr=${owner.addresses()[0]}`],
    '_agentwire.forged.example.com': ['dnslink=/p2p/12D3KooWforgedNotAKey'],
    '_agentwire.nokey.example.com': ['dnslink=/ip4/127.0.0.1/tcp/1'],
    '_agentwire.split.example.com': [`dnslink=/p2p/${owner.peerId.toString()}`, `dnslink=/p2p/${squatter.peerId.toString()}`]
  })
})
after(async () => {
  await net.stop()
  await dns.stop()
  await removeTempDirs()
})

test('while DNS does not answer, a domain name fails loudly instead of falling back to the DHT', async () => {
  const [squatter, asker] = [net.nodes[3], net.nodes[6]]
  await waitFor('the squatter to publish', () => (squatter.naming.lastPublished?.peersReached ?? 0) > 0)
  await assert.rejects(asker.resolve('research.example.com'), (err: any) => {
    assert.equal(err.code, 'NAME_DNS_UNAVAILABLE')
    assert.match(err.message, /could not check the DNS proof for "research.example.com"/)
    assert.match(err.hint, /naming.dnsServers/)
    return true
  })
  assert.equal(await asker.naming.pinned('research.example.com'), undefined, 'nothing pinned to the squatter')
})

test('a domain-verified name resolves to the PeerId its DNS names, over a DHT squatter', async () => {
  const [owner, squatter, asker] = [net.nodes[2], net.nodes[3], net.nodes[4]]
  const resolved = await asker.resolve('research.example.com')
  assert.equal(resolved.peerId, owner.peerId.toString())
  assert.equal(resolved.verified, 'dns')
  assert.deepEqual(resolved.otherClaimants.map(c => c.peerId), [squatter.peerId.toString()], 'the DHT squatter is reported, not followed')
  assert.equal((await asker.ping('research.example.com')).peerId, owner.peerId.toString())
  // A pick cannot override the domain.
  await assert.rejects(asker.resolve('research.example.com', { pick: squatter.peerId.toString() }), (err: any) => err.code === 'NAME_PICK_REFUSED' && /DNS proof names/.test(err.message))
  // The dnsaddr form works too, and mixed case is the same name.
  const viaDnsaddr = await asker.resolve('DNSaddr.Example.COM')
  assert.equal(viaDnsaddr.peerId, owner.peerId.toString())
  assert.equal(viaDnsaddr.name, 'dnsaddr.example.com')
})

test('a node that pinned the squatter follows the domain once its proof exists, and says so', async () => {
  const [owner, squatter, pinner] = [net.nodes[2], net.nodes[3], net.nodes[5]]
  // Pinned before DNS was checked (as on a node configured without domain checks).
  const { NamePins } = await import('../src/naming/pins.ts')
  await new NamePins(pinner.datastore).set('research.example.com', squatter.peerId.toString())
  const resolved = await pinner.resolve('research.example.com')
  assert.equal(resolved.peerId, owner.peerId.toString())
  assert.equal(resolved.verified, 'dns')
  assert.equal(resolved.newlyPinned, true)
  assert.match(resolved.warnings.join('\n'), new RegExp(`was pinned to ${squatter.peerId.toString()}; the domain's DNS proof now names ${owner.peerId.toString()}`))
})

test('forged or mismatched proofs are refused with the reason', async () => {
  const asker = net.nodes[4]
  await assert.rejects(asker.resolve('forged.example.com'), (err: any) => {
    assert.equal(err.code, 'NAME_PROOF_INVALID')
    assert.match(err.message, /dnslink=\/p2p\/12D3KooWforgedNotAKey/)
    assert.match(err.hint, /_agentwire.forged.example.com/)
    return true
  })
  await assert.rejects(asker.resolve('nokey.example.com'), (err: any) => err.code === 'NAME_PROOF_INVALID' && /names no \/p2p\/<PeerId>/.test(err.message))
  await assert.rejects(asker.resolve('split.example.com'), (err: any) => err.code === 'NAME_PROOF_INVALID' && /names 2 different PeerIds/.test(err.message))
  // Every command taking a target refuses the same way.
  await assert.rejects(asker.ping('split.example.com'), (err: any) => err.code === 'NAME_PROOF_INVALID')
})

test('a dotted name with no DNS proof is an ordinary DHT name, marked unverified', async () => {
  const [named, asker] = [net.nodes[1], net.nodes[4]]
  const resolved = await waitFor('team.example.com to resolve', async () => await asker.resolve('team.example.com'))
  assert.equal(resolved.peerId, named.peerId.toString())
  assert.equal(resolved.verified, null)
})

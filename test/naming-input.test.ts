// Bad and tricky names: length bounds, case, other scripts, and lookalikes of a name this node
// already pinned, over a real DHT on 127.0.0.1.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { domainToASCII } from 'node:url'
import { testnet, waitFor, type Testnet } from './helpers/testnet.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { parseTarget } from '../src/node/targets.ts'
import { skeleton } from '../src/naming/index.ts'

const CYRILLIC_ALPHA = 'аlpha' // the first letter is U+0430
let net: Testnet

before(async () => {
  net = await testnet(5, { config: i => (i === 1 ? { name: 'alpha' } : i === 2 ? { name: 'a1pha' } : i === 3 ? { name: domainToASCII(CYRILLIC_ALPHA) } : {}) })
})
after(async () => {
  await net.stop()
  await removeTempDirs()
})

test('names out of bounds are refused with the bound; case and spaces are folded', () => {
  assert.throws(() => parseTarget('a'.repeat(64)), (err: any) => err.code === 'INVALID_TARGET' && /at most 63 characters; this one has 64/.test(err.message))
  assert.throws(() => parseTarget('   '), (err: any) => err.code === 'INVALID_TARGET' && /at least 1 character/.test(err.message))
  assert.throws(() => parseTarget('-dash'), (err: any) => err.code === 'INVALID_TARGET' && /starting with a letter or digit/.test(err.message))
  assert.deepEqual(parseTarget(' Alpha '), { kind: 'name', text: 'Alpha', name: 'alpha' })
  const cyr = parseTarget(CYRILLIC_ALPHA)
  assert.equal(cyr.kind, 'name')
  assert.match((cyr as any).name, /^xn--/)
  assert.equal(skeleton('a1pha'), skeleton('alpha'))
  assert.equal(skeleton((cyr as any).name), skeleton('alpha'))
  assert.notEqual(skeleton('beta'), skeleton('alpha'))
})

test('a lookalike of a pinned name resolves with a warning naming the name it imitates', async () => {
  const asker = net.nodes[4]
  const real = await waitFor('alpha to resolve', async () => await asker.resolve('ALPHA'))
  assert.equal(real.name, 'alpha')
  assert.equal(real.peerId, net.nodes[1].peerId.toString())
  assert.deepEqual(real.warnings, [])

  const digit = await waitFor('a1pha to resolve', async () => await asker.resolve('a1pha'))
  assert.equal(digit.peerId, net.nodes[2].peerId.toString())
  assert.match(digit.warnings.join('\n'), new RegExp(`"a1pha" looks like "alpha" \\(pinned to ${net.nodes[1].peerId.toString()}\\)`))

  const cyr = await waitFor('the Cyrillic lookalike to resolve', async () => await asker.resolve(CYRILLIC_ALPHA))
  assert.equal(cyr.peerId, net.nodes[3].peerId.toString())
  const warnings = cyr.warnings.join('\n')
  assert.match(warnings, /is punycode for "аlpha"/)
  assert.match(warnings, /looks like "alpha"/)
})

// A peer whose identify failed must still be findable by PeerId. Identify runs once per connection
// with a 5 s timeout, and libp2p drops its failure silently: on a loaded host (event-loop lag of
// several seconds, traced at 40 nodes in one process, issue 21) the record of the newest joiners was
// left with no address at the peers they connected to, and kad-dht leaves a peer without an address
// out of every FIND_NODE answer, so a lookup for it could miss although every asked peer answered.
// Here the lag is made on purpose: the hub's event loop is held for longer than identify's timeout
// right after the joiner connects. The DhtKeeper identifies such connections again.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { testnet, waitFor } from './helpers/testnet.ts'
import { findPeer } from '../src/node/find-peer.ts'

/**
 * Longer than identify's own timeout (5 s, @libp2p/identify), as a loaded host's lag was. Not much
 * longer: at 6 s the dialling side gave up on the connection itself (it closed while opening).
 */
const LAG_MS = 5_500

test('a peer whose identify timed out under event-loop lag gets its addresses known and is found by PeerId', async (t) => {
  const net = await testnet(3, t, { connectToFirst: false })
  const [hub, late, asker] = net.nodes
  let lagged = false
  hub.libp2p.addEventListener('connection:open', (evt) => {
    if (lagged || !evt.detail.remotePeer.equals(late.peerId)) return
    lagged = true
    // identify's own listener ran first and started its 5 s timer: hold the whole loop past it.
    const until = Date.now() + LAG_MS
    while (Date.now() < until) { /* a busy host */ }
  })
  await late.connect(hub.addresses()[0])
  assert.ok(lagged, 'the hub saw the connection')
  // The lag made the hub's identify of `late` fail: its record has no address (what the 40-node
  // runs showed). If identify got through after all, this test proves nothing: say so.
  await new Promise(resolve => setTimeout(resolve, 1_000))
  const bare = (await hub.libp2p.peerStore.get(late.peerId)).addresses.length
  assert.equal(bare, 0, 'precondition: identify should have timed out under the lag')

  await asker.connect(hub.addresses()[0])
  // The asker knows only the hub; the hub is connected to `late` and answers FIND_NODE for it.
  const found = await waitFor('the asker to find `late` through the hub', async () => {
    try { return await findPeer(asker.libp2p, late.peerId, 5_000) } catch { return undefined }
  }, 60_000, 1_000)
  assert.ok(found != null && found.multiaddrs.length > 0)
  assert.ok((await hub.libp2p.peerStore.get(late.peerId)).addresses.length > 0, 'the hub holds addresses for `late` again')
})

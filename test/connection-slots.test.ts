// Connection slots under attack, on a real node over real TCP: silent sockets from a few loopback
// addresses (127.0.0.2-4 are loopback too, so they are other hosts to the node) try to hold every
// slot for connections still upgrading, while honest peers from 127.0.0.1 connect.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { waitFor } from './helpers/testnet.ts'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'
import { createAgentNode, type AgentNode } from '../src/agent-node.ts'

const ATTACK_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4']
/** Silent sockets each attacking address keeps trying to hold: together more than all 32 slots. */
const SOCKETS_PER_ADDRESS = 12
/** Bounds on the attack: sockets opened in all, and how long it may run. */
const MAX_SOCKETS = 5000
const ATTACK_DEADLINE_MS = 90_000
/** Pause before a refused socket is opened again, in ms (keeps the loop off the CPU). */
const REOPEN_DELAY_MS = 25
const HONEST_PEERS = 5

let node: AgentNode | undefined
after(async () => {
  await node?.stop()
  await removeTempDirs()
})

interface Attack { closes: Record<string, number>, opened: number, stop: () => void }

/** Keep `SOCKETS_PER_ADDRESS` silent sockets open from each address, reopening those that close. */
function silentSockets (port: number): Attack {
  const attack: Attack = { closes: {}, opened: 0, stop: () => {} }
  const sockets = new Set<Socket>()
  let stopped = false
  const deadline = setTimeout(() => { attack.stop() }, ATTACK_DEADLINE_MS)
  attack.stop = () => {
    stopped = true
    clearTimeout(deadline)
    for (const s of sockets) s.destroy()
  }
  const open = (from: string): void => {
    if (stopped || attack.opened >= MAX_SOCKETS) return
    attack.opened++
    const socket = connect({ host: '127.0.0.1', port, localAddress: from })
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => {
      sockets.delete(socket)
      attack.closes[from] = (attack.closes[from] ?? 0) + 1
      setTimeout(() => { open(from) }, REOPEN_DELAY_MS)
    })
  }
  for (const from of ATTACK_ADDRESSES) for (let i = 0; i < SOCKETS_PER_ADDRESS; i++) open(from)
  return attack
}

test('silent sockets from a few addresses cannot keep honest peers from connecting', async () => {
  // The default slot limits; only the per-host connection rate is raised, so that refusals come
  // from the slots under test and not from the rate limiter.
  node = await createAgentNode({ dataDir: await tempDir('awn-'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: { inboundConnectionsPerHostPerSecond: 1000 } })
  await node.start()
  const target = multiaddr(node.addresses()[0])
  const port = Number(target.getComponents().find(c => c.name === 'tcp')?.value)

  const attack = silentSockets(port)
  try {
    // The attacker holds all it can get once every address has seen sockets refused.
    await waitFor('the attacker to hold every slot it can', () => ATTACK_ADDRESSES.every(a => (attack.closes[a] ?? 0) >= 3), 30_000)
    let connected = 0
    const failures: string[] = []
    for (let i = 0; i < HONEST_PEERS; i++) {
      const honest = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
      try {
        await honest.dial(target, { signal: AbortSignal.timeout(15_000) })
        connected++
      } catch (err: any) {
        failures.push(err.message)
      } finally {
        await honest.stop()
      }
    }
    assert.equal(connected, HONEST_PEERS, `honest peers connected during the attack: ${connected}/${HONEST_PEERS} (${failures.join('; ')})`)
  } finally {
    attack.stop()
  }
})

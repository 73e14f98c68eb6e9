// N separate libp2p identities in one process, each with one connection to --addr: what N remote
// agents cost the node they connect to. Minimal stack (TCP, Noise, yamux, identify), like a small peer.
//   many-clients.ts --addr A --count N --paceMs P     prints {"event":"result","connected":N}, holds until stdin ends
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL_PREFIX } from '../../../src/node/constants.ts'
import { parseArgs, emit } from './protocols.ts'

const args = parseArgs(process.argv.slice(2))
const deadline = AbortSignal.timeout(Number(args.timeoutMs ?? 120_000))
const nodes: Array<Awaited<ReturnType<typeof createLibp2p>>> = []
try {
  for (let i = 0; i < Number(args.count) && !deadline.aborted; i++) {
    const node = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify({ protocolPrefix: PROTOCOL_PREFIX }) }
    })
    nodes.push(node)
    await node.dial(multiaddr(args.addr), { signal: deadline })
    // The listener refuses more than 5 inbound connections a second from one host; pace, untimed.
    await new Promise(resolve => setTimeout(resolve, Number(args.paceMs ?? 0)))
  }
  emit({ event: 'result', connected: nodes.filter(n => n.getConnections().length > 0).length })
} catch (err) {
  process.stderr.write(`many-clients failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
}
const stop = async (): Promise<never> => { await Promise.all(nodes.map(async n => { await n.stop() })); process.exit(0) }
process.stdin.resume()
process.stdin.once('end', () => { void stop() })
process.once('SIGTERM', () => { void stop() })

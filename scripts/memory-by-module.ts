// `node scripts/memory-by-module.ts`: what each dependency the daemon loads costs in memory, in
// the order the daemon loads them, so the idle-RSS figure can be read as "where it goes". Each row
// is the growth of RSS and V8 heap after importing that module (and whatever it pulls in that an
// earlier row did not), with a full GC before each reading. Then the daemon's own code, compiled.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const MB = 1e6
const MODULES = [
  'zod', 'yaml', 'commander', 'pino', '@multiformats/multiaddr', '@libp2p/crypto/keys', '@libp2p/peer-id',
  'level', 'datastore-level', 'libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux',
  '@libp2p/identify', '@libp2p/ping', '@libp2p/kad-dht', '@libp2p/gossipsub', '@libp2p/circuit-relay-v2',
  '@libp2p/dcutr', '@libp2p/autonat', '@libp2p/bootstrap', 'prom-client', '@libp2p/prometheus-metrics',
  '@a2a-js/sdk', '@a2a-js/sdk/client', '@a2a-js/sdk/server', 'express', '@a2a-js/sdk/server/express', 'jose', 'pino-pretty',
  '../dist/index.js'
]

function reading (): { rss: number, heap: number } {
  gc(); gc()
  const m = process.memoryUsage()
  return { rss: m.rss, heap: m.heapUsed }
}

const rows: Array<{ module: string, rssMB: number, heapMB: number }> = []
const start = reading()
let last = start
for (const name of MODULES) {
  await import(name)
  const now = reading()
  rows.push({ module: name, rssMB: Math.round((now.rss - last.rss) / MB * 10) / 10, heapMB: Math.round((now.heap - last.heap) / MB * 10) / 10 })
  last = now
}
const total = { module: 'total over bare node', rssMB: Math.round((last.rss - start.rss) / MB * 10) / 10, heapMB: Math.round((last.heap - start.heap) / MB * 10) / 10 }
console.table([...rows.sort((a, b) => b.rssMB - a.rssMB), total])
console.log(`bare node: ${Math.round(start.rss / MB)} MB RSS, ${Math.round(start.heap / MB * 10) / 10} MB heap`)

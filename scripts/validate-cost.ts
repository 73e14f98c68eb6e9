// What one trust report costs a receiving node before it is forwarded, in µs of CPU on one thread:
// GossipSub's own signature check (StrictSign), then src/reputation's decode (JSON, shape, the
// issuer's Ed25519 signature over the report). Every node pays both for each copy it validates.
//   node scripts/validate-cost.ts [--n 2000]
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encodeReport, signReport, decodeReport } from '../src/reputation/report.ts'
import { TRUST_TOPIC } from '../src/reputation/constants.ts'

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' } } })
const n = Number(values.n)
const key = await generateKeyPair('Ed25519')
const issuer = peerIdFromPrivateKey(key)
const subject = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const now = Date.now()
const report = await signReport(key, { issuer: issuer.toString(), subject, positive: 1, negative: 0, vouch: 0, seq: now, issuedAt: now, expiresAt: now + 86_400_000 })
const data = encodeReport(report)

async function time (label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await fn()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn()
  const cpu = process.cpuUsage(c0)
  process.stdout.write(JSON.stringify({ label, usPerCall: Math.round((performance.now() - t0) * 1000 / n), cpuUsPerCall: Math.round((cpu.user + cpu.system) / n) }) + '\n')
}

await time('reputation decodeReport (JSON + Ed25519 verify)', async () => await decodeReport(data))
// GossipSub's StrictSign check: the same verification of its own envelope signature.
const sigInput = new Uint8Array([...new TextEncoder().encode('libp2p-pubsub:'), ...data, ...new TextEncoder().encode(TRUST_TOPIC)])
const sig = await key.sign(sigInput)
await time('publicKey.verify (what StrictSign costs per copy)', async () => await key.publicKey.verify(sigInput, sig))

// What a flood of trust reports from throwaway issuers costs the node that receives it: CPU ms per
// 1,000 reports (validation, store, judging the subject) at 1k and 10k distinct issuers all reporting
// on one subject, and the receiver's RSS after. The receiver is its own process (this file, run with
// --victim), so its CPU and RSS are its own; the flooder signs every report before the clock starts.
// Goal: flat with the number of issuers (issue 17: it grew 6.5× from 1k to 8k before the per-subject cap).
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Figure } from '../lib/figure.ts'
import { start, tempDir, type Child } from '../lib/process.ts'
import { round } from '../lib/stats.ts'

const SELF = fileURLToPath(import.meta.url)
const MB = 1e6
/** Reports sent before waiting for them to arrive. */
const BATCH = 500
/** No new report for this long, in ms: what was in flight is taken as lost. */
const STALL_MS = 5000

/** The receiving node: prints `ready` with its address, then `stats` for every line on stdin. */
async function runVictim (): Promise<void> {
  const { createAgentNode } = await import('../../../src/agent-node.ts')
  const node = await createAgentNode({
    dataDir: await tempDir(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    limits: { inboundConnectionsPerHostPerSecond: 1000 },
    log: { level: 'warn' },
    // One flooder over one connection: its forwarder budget is lifted so every report reaches the store.
    reputation: { perForwarder: { burst: 1_000_000, perMinute: 1_000_000 } }
  })
  await node.start()
  let accepted = 0
  void (async () => { for await (const e of node.reputation.watch()) if (e.type === 'report') accepted++ })()
  const stats = (): string => {
    const cpu = process.cpuUsage()
    const s = node.reputation.storeStats()
    return JSON.stringify({ event: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss, accepted, reports: s.reports, issuers: s.issuers, evicted: s.evicted }) + '\n'
  }
  process.stdout.write(JSON.stringify({ event: 'ready', address: node.addresses()[0] }) + '\n')
  process.stdin.setEncoding('utf8').on('data', () => { process.stdout.write(stats()) })
  process.stdin.on('end', () => { void node.stop().then(() => process.exit(0)) })
}

async function statsOf (victim: Child): Promise<any> {
  victim.process.stdin!.write('stats\n')
  return await victim.nextJson(l => l?.event === 'stats', 10_000)
}

/** Flood a fresh receiver with one report from each of `issuers` throwaway keys about one subject. */
async function flood (issuers: number, log: (m: string) => void, signal: AbortSignal): Promise<{ cpuMsPer1000: number, rssMB: number, rssBeforeMB: number, held: number, evicted: number }> {
  const { createAgentNode } = await import('../../../src/agent-node.ts')
  const { TRUST_TOPIC, signReport, encodeReport } = await import('../../../src/reputation/index.ts')
  const victim = start([SELF, '--victim'])
  const flooder = await createAgentNode({ dataDir: await tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], log: { level: 'warn' } })
  try {
    const { address } = await victim.nextJson(l => l?.event === 'ready', 30_000)
    await flooder.start()
    await flooder.connect(address)
    const pubsub = flooder.libp2p.services.pubsub
    for (let i = 0; i < 200 && pubsub.getSubscribers(TRUST_TOPIC).length === 0; i++) await new Promise(resolve => setTimeout(resolve, 50))
    const subject = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const now = Date.now()
    const messages: Uint8Array[] = []
    for (let k = 0; k < issuers && !signal.aborted; k++) {
      const key = await generateKeyPair('Ed25519')
      const issuer = peerIdFromPrivateKey(key).toString()
      messages.push(encodeReport(await signReport(key, { issuer, subject, positive: 0, negative: 4, vouch: 0, seq: now + k, issuedAt: now, expiresAt: now + 3_600_000 })))
    }
    const before = await statsOf(victim)
    // In batches, each given time to arrive: a flooder that never waits overflows its own stream.
    let after = before
    for (let k = 0; k < messages.length && !signal.aborted; k += BATCH) {
      for (const m of messages.slice(k, k + BATCH)) await pubsub.publish(TRUST_TOPIC, m)
      let last = -1
      let still = 0
      // Until the batch is in, or nothing new arrived for STALL_MS (a dropped connection loses what
      // was in flight: the figure is per report the receiver actually validated).
      while (!signal.aborted && after.accepted < before.accepted + Math.min(k + BATCH, issuers) && still < STALL_MS) {
        await new Promise(resolve => setTimeout(resolve, 100))
        after = await statsOf(victim)
        still = after.accepted === last ? still + 100 : 0
        last = after.accepted
      }
      if (flooder.libp2p.getConnections().length === 0) await flooder.connect(address)
    }
    const validated = after.accepted - before.accepted
    const cpuMsPer1000 = (after.cpuMs - before.cpuMs) / (validated / 1000)
    const result = { issuers, validated, cpuMsPer1000: round(cpuMsPer1000), rssMB: round(after.rss / MB), rssBeforeMB: round(before.rss / MB), held: after.reports, evicted: after.evicted }
    log(`${issuers} issuers: ${JSON.stringify(result)}`)
    return result
  } finally {
    await flooder.stop().catch(() => {})
    victim.process.stdin!.end()
    await victim.stop(5_000)
  }
}

export const figure: Figure = {
  name: 'report-flood',
  unit: 'CPU ms / 1k reports',
  baseline: 'the same at 1k issuers',
  goal: 'flat with issuers: 10k within 1.5× of 1k',
  met: r => r.baselineValue != null && r.value <= 1.5 * r.baselineValue,
  budgetMs: { quick: 240_000, full: 900_000 },
  run: async (ctx) => {
    const small = await flood(1000, ctx.log, ctx.signal)
    const large = await flood(ctx.quick ? 3000 : 10_000, ctx.log, ctx.signal)
    return {
      value: large.cpuMsPer1000,
      baselineValue: small.cpuMsPer1000,
      details: {
        what: 'receiver CPU (validate, store, judge) per 1,000 reports, each from a fresh issuer, all about one subject; RSS of the receiver after',
        '1k': small,
        [ctx.quick ? '3k' : '10k']: large
      }
    }
  }
}

if (process.argv[1] === SELF && process.argv.includes('--victim')) await runVictim()

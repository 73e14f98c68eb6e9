// SIGKILL at random (seeded) points while the daemon changes trust and appends to its audit log,
// 50+ times on one data directory, then a start that publishes its name (a lone node publishes
// nothing since issue 21: names go only to DHT peers, so the kills no longer land mid-publish). Every restart must open cleanly, the audit
// chain must verify (a torn last line moved aside and recorded, never dropped silently), and every
// change acknowledged to a caller must still be there.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CLI, writeConfig, startDaemon, cliJson, type Daemon } from './helpers/daemon.ts'
import { removeTempDirs, tempDir } from './helpers/tmp.ts'
import { waitFor } from './helpers/testnet.ts'
import { callDaemon } from '../src/control/client.ts'
import { readAuditEntries } from '../src/audit/index.ts'
import { Rng } from '../scripts/lib/rng.ts'

after(removeTempDirs)

const SEED = Number(process.env.AGENTWIRE_CRASH_SEED ?? 4242)
const KILLS = Number(process.env.AGENTWIRE_CRASH_KILLS ?? 52)
/** Most trust changes started per round before the kill (bounds the store's growth). */
const OPS_PER_ROUND = 24
/** The kill lands this long after the first change was sent, at most, in ms. */
const KILL_WINDOW_MS = 250

async function freshPeer (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

/** The name-record seq the daemon last stored (read with the daemon dead: the LevelDB lock is free). */
async function storedSeq (dataDir: string): Promise<number> {
  const db = new Level<string, Uint8Array>(join(dataDir, 'datastore'), { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await db.open()
    const value = await db.get('/agentwire/name-seq')
    return value == null ? 0 : Number(new TextDecoder().decode(value))
  } catch {
    return 0
  } finally {
    await db.close()
  }
}

async function killNow (daemon: { process: ReturnType<typeof spawn>, exited: Promise<number | null> }): Promise<void> {
  daemon.process.kill('SIGKILL')
  await daemon.exited
}

test(`SIGKILL ${KILLS} times during trust changes and audit appends, then a name publish: clean restarts, a verified audit chain, nothing acknowledged lost`, { timeout: 600_000 }, async () => {
  const rng = new Rng(SEED)
  const dir = await tempDir('awcrash-')
  const configPath = await writeConfig({ name: 'crash-node', log: { level: 'error', format: 'json' } }, dir)
  /** PeerId → the state its last acknowledged change left it in. */
  const acknowledged = new Map<string, 'approved' | 'rejected'>()
  let lastSeq = 0
  let kills = 0
  let duringStart = 0
  let dataDir = ''

  const checkRestart = async (daemon: Daemon): Promise<void> => {
    const verify = await cliJson(['audit', '--verify', '--data-dir', daemon.dataDir])
    assert.equal(verify.ok, true, `audit --verify after kill ${kills}: ${JSON.stringify(verify)}`)
    const listed = new Map((await callDaemon(daemon.dataDir, 'trust.list') as any[]).map(e => [e.peerId, e.state]))
    for (const [peer, state] of acknowledged) {
      assert.ok(listed.has(peer), `acknowledged ${state} of ${peer} lost after kill ${kills}`)
      assert.equal(listed.get(peer) === 'rejected' ? 'rejected' : 'approved', state, `state of ${peer} after kill ${kills}`)
    }
  }

  while (kills < KILLS) {
    const round = rng.fork(kills)
    if (kills > 0 && round.bool(0.15)) {
      // Kill during start-up: opening the store, repairing the log, first name publish.
      const child = spawn(process.execPath, [CLI, 'start', '--config', configPath], { stdio: 'ignore' })
      const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
      await new Promise(resolve => setTimeout(resolve, round.int(900)))
      await killNow({ process: child, exited })
      kills++
      duringStart++
      continue
    }
    const daemon = await startDaemon(configPath)
    dataDir = daemon.dataDir
    if (kills > 0) await checkRestart(daemon)
    // Trust changes (each an audit append, a store write and an answer), as fast as the socket
    // takes them, from two callers; the kill lands at a random moment among them.
    const peers = await Promise.all(Array.from({ length: OPS_PER_ROUND }, freshPeer))
    const inFlight: Array<Promise<void>> = []
    let next = 0
    for (let caller = 0; caller < 2; caller++) {
      inFlight.push((async () => {
        while (next < peers.length) {
          const peer = peers[next++]
          const kind = round.bool(0.8) ? 'approve' : 'reject'
          try {
            await callDaemon(dataDir, `trust.${kind}`, { target: peer })
            acknowledged.set(peer, kind === 'approve' ? 'approved' : 'rejected')
          } catch {} // not acknowledged: the kill came first; it may or may not have landed
        }
      })())
    }
    await new Promise(resolve => setTimeout(resolve, round.int(KILL_WINDOW_MS)))
    await killNow(daemon)
    kills++
    await Promise.all(inFlight)
    // The name's seq never goes backwards, or a republish after the crash would lose to the old record.
    const seq = await storedSeq(dataDir)
    assert.ok(seq >= lastSeq, `name seq went from ${lastSeq} back to ${seq}`)
    lastSeq = seq
  }

  // A last clean start and stop: everything acknowledged is there, the name gets published (its seq
  // stored, never below what the crashes left), and the chain verifies.
  // Names are published only to DHT peers (a lone node has nobody to hold its record, and with a
  // peer every trust change would wait on a DHT lookup of its made-up PeerId), so the last start
  // bootstraps to one.
  const peer = await startDaemon(await writeConfig({}))
  after(async () => { await peer.stop() })
  await writeConfig({ name: 'crash-node', bootstrap: [peer.addresses[0]], log: { level: 'error', format: 'json' } }, dir)
  const daemon = await startDaemon(configPath)
  await checkRestart(daemon)
  await waitFor('the name published to the DHT peer', async () => {
    const health = await callDaemon(daemon.dataDir, 'health') as { checks: Array<{ name: string, detail: string }> }
    return health.checks.some(c => c.name === 'name' && c.detail.startsWith('published to'))
  }, 60_000, 500)
  assert.equal(await daemon.stop(), 0, `clean stop after the crashes:\n${daemon.output().slice(-3000)}`)
  const verify = await cliJson(['audit', '--verify', '--data-dir', daemon.dataDir])
  assert.equal(verify.ok, true, JSON.stringify(verify))
  // Every torn line was moved aside and recorded, none dropped silently.
  const torn = (await readdir(daemon.dataDir)).filter(f => f.startsWith('audit.log.torn-'))
  const repaired = (await readAuditEntries(daemon.dataDir)).filter(e => e.event === 'audit.repaired')
  assert.equal(repaired.length, torn.length, `one audit.repaired entry per torn line saved: ${JSON.stringify(repaired)} ${JSON.stringify(await readdir(daemon.dataDir))}`)
  assert.ok(acknowledged.size > KILLS, `changes were acknowledged before kills (${acknowledged.size})`)
  const finalSeq = await storedSeq(daemon.dataDir)
  assert.ok(finalSeq > 0 && finalSeq >= lastSeq, `the name was published after the crashes with seq ${finalSeq} (the crashes left ${lastSeq})`)
  process.stderr.write(`crash: ${kills} kills (${duringStart} during start-up), ${acknowledged.size} acknowledged changes kept, ${torn.length} torn audit lines repaired\n`)
})

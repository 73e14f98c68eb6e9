// The daemon's attack surface, checked on real daemons: the control socket and secrets are
// owner-only, nothing but libp2p (and what the config asks for) listens, and on loopback only when
// told so; the key never reaches the logs, nor do message bodies unless `audit.payloads: full`.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, readlink, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { writeConfig, startDaemon, cliJson, type Daemon } from './helpers/daemon.ts'
import { removeTempDirs } from './helpers/tmp.ts'
import { socketPathFor } from '../src/control/client.ts'
import { readAuditEntries } from '../src/audit/index.ts'

const MARKER = 'zebra-quartz-7781 confidential body text'
let caller: Daemon
let callee: Daemon
let fullCallee: Daemon

before(async () => {
  // The callee answers with the example agent and trusts anyone (the surface, not trust, is under test).
  callee = await startDaemon(await writeConfig({ log: { level: 'trace', format: 'json' }, trust: { policy: 'open' }, a2a: { exampleAgent: true, gateway: { listen: '127.0.0.1:0' } } }))
  fullCallee = await startDaemon(await writeConfig({ log: { level: 'trace', format: 'json' }, trust: { policy: 'open' }, a2a: { exampleAgent: true }, audit: { payloads: 'full' } }))
  caller = await startDaemon(await writeConfig({ log: { level: 'trace', format: 'json' } }))
})
after(async () => {
  await Promise.all([caller, callee, fullCallee].map(d => d?.stop()))
  await removeTempDirs()
})

test('the control socket, the key file and the audit log are owner-only (0600)', async () => {
  for (const d of [caller, callee]) {
    const socket = await stat(socketPathFor(d.dataDir))
    assert.ok(socket.isSocket())
    assert.equal(socket.mode & 0o777, 0o600, 'control socket')
    assert.equal((await stat(join(d.dataDir, 'identity.key'))).mode & 0o777, 0o600, 'key file')
    assert.equal((await stat(join(d.dataDir, 'audit.log'))).mode & 0o777, 0o600, 'audit log')
  }
})

/** Every TCP listener and bound UDP socket the process holds, from /proc: `tcp 127.0.0.1:4001`. */
async function listeners (pid: number): Promise<string[]> {
  const inodes = new Set<string>()
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
    const m = /^socket:\[(\d+)\]$/.exec(link)
    if (m != null) inodes.add(m[1])
  }
  const found: string[] = []
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const table = await readFile(`/proc/${pid}/net/${proto}`, 'utf8').catch(() => '')
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      if (cols.length < 10 || !inodes.has(cols[9])) continue
      // TCP: only listening sockets (state 0A); UDP: every bound socket receives.
      if (proto.startsWith('tcp') && cols[3] !== '0A') continue
      found.push(`${proto} ${decodeAddress(cols[1])}`)
    }
  }
  return found
}

function decodeAddress (hex: string): string {
  const [addr, port] = hex.split(':')
  const p = Number.parseInt(port, 16)
  if (addr.length === 8) return `${addr.match(/../g)!.reverse().map(b => Number.parseInt(b, 16)).join('.')}:${p}`
  // IPv6: four little-endian 32-bit words.
  const words = addr.match(/.{8}/g)!.map(w => w.match(/../g)!.reverse().join(''))
  const v6 = words.join('').match(/.{4}/g)!.map(g => g.replace(/^0+(?=.)/, '')).join(':')
  return `[${v6}]:${p}`
}

function isLoopback (address: string): boolean {
  return address.startsWith('127.') || address.startsWith('[0:0:0:0:0:0:0:1]') || address.startsWith('[0:0:0:0:ffff:7f')
}

test('a daemon configured for 127.0.0.1 listens on loopback only: libp2p and the configured gateway, nothing else', { skip: process.platform !== 'linux' }, async () => {
  for (const d of [caller, callee]) {
    const found = await listeners(d.process.pid!)
    assert.ok(found.length > 0, 'found the daemon\'s listeners')
    assert.deepEqual(found.filter(l => !isLoopback(l.split(' ')[1])), [], `non-loopback listeners: ${found.join(', ')}`)
    const info = await cliJson(['info', '--data-dir', d.dataDir])
    const expected = new Set([...info.addresses.map((a: string) => Number(/\/tcp\/(\d+)/.exec(a)?.[1])), ...(info.gateway != null ? [Number(new URL(info.gateway).port)] : [])])
    for (const l of found) {
      const port = Number(l.split(':').at(-1))
      assert.ok(expected.has(port), `unexpected listener ${l}; expected libp2p ${info.addresses.join(', ')} and gateway ${info.gateway ?? 'none'}`)
    }
  }
})

test('the key never appears in the logs, even at trace level; message bodies stay out of logs (and out of the audit log unless payloads: full)', async () => {
  const sent = await cliJson(['send', callee.addresses[0], MARKER, '--data-dir', caller.dataDir])
  assert.ok(sent.result != null, JSON.stringify(sent))
  const sentFull = await cliJson(['send', fullCallee.addresses[0], MARKER, '--data-dir', caller.dataDir])
  assert.ok(sentFull.result != null, JSON.stringify(sentFull))
  await cliJson(['card', callee.addresses[0], '--data-dir', caller.dataDir])
  await cliJson(['trust', 'request', callee.addresses[0], '--reason', 'surface test', '--data-dir', caller.dataDir])

  for (const d of [caller, callee, fullCallee]) {
    const logs = d.output()
    assert.ok(logs.length > 0)
    const file = await readFile(join(d.dataDir, 'identity.key'))
    const key = privateKeyFromProtobuf(file)
    const secrets = [file, key.raw, key.raw.subarray(0, 32)].flatMap(b => [Buffer.from(b).toString('base64'), Buffer.from(b).toString('base64url'), Buffer.from(b).toString('hex')])
    for (const secret of secrets) assert.ok(!logs.includes(secret.slice(0, 40)), `key material in the logs of ${d.peerId}`)
    assert.ok(!logs.includes(MARKER), `message body in the logs of ${d.peerId}`)
  }
  const hashed = (await readAuditEntries(callee.dataDir)).filter(e => e.event === 'a2a.call')
  assert.ok(hashed.length > 0 && hashed.every(e => e.body == null && typeof e.bodyHash === 'string'))
  assert.ok(!JSON.stringify(await readAuditEntries(callee.dataDir)).includes(MARKER), 'no body in the audit log with payloads: hash')
  const full = (await readAuditEntries(fullCallee.dataDir)).filter(e => e.event === 'a2a.call')
  assert.ok(full.some(e => String(e.body).includes(MARKER)), 'payloads: full keeps the body in the audit log')
})

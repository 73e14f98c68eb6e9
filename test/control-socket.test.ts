// The control socket is owner-only from the moment it exists, and creating it changes nothing
// process-wide: a library user's umask is theirs (libp2p and LevelDB create files meanwhile).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startControlServer } from '../src/control/server.ts'
import { callDaemon } from '../src/control/client.ts'
import { silentLogger } from '../src/log/logger.ts'

test('starting the control server never changes the process umask, and the socket is 0600 with nothing left beside it', async (t) => {
  const dir = await mkdtemp(join(tmpdir().length < 40 ? tmpdir() : '/tmp', 'awc-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  // Record every umask change: it is process-wide, so any other thread (LevelDB's, libuv's file
  // pool) creating a file in the window would get the daemon's mask, not the user's.
  const changes: number[] = []
  const original = process.umask.bind(process)
  process.umask = ((mask?: number | string) => {
    if (mask !== undefined) changes.push(Number(mask))
    return mask === undefined ? original() : original(mask)
  }) as typeof process.umask
  let server
  try {
    server = await startControlServer(join(dir, 'control.sock'), { stop: async () => ({ stopping: true, peerId: 'test' }) }, silentLogger())
  } finally {
    process.umask = original
  }
  const started = server
  t.after(async () => { await started.close() })
  assert.deepEqual(changes, [], 'the umask was never set')
  const mode = (await stat(join(dir, 'control.sock'))).mode & 0o777
  assert.equal(mode, 0o600, 'owner read/write only')
  assert.deepEqual(await readdir(dir), ['control.sock'], 'no private bind directory left behind')
  assert.deepEqual(await callDaemon(dir, 'stop', {}), { stopping: true, peerId: 'test' }, 'the moved socket serves at its final path')
})

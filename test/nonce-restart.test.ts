// Replay protection survives a crash: nonces are written in shared batches (group commit), and a
// check resolves only once its batch is in LevelDB, so every nonce a node acknowledged before a
// SIGKILL is refused after the restart.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'
import { openDatastore, closeDatastore } from '../src/node/datastore.ts'
import { NonceGuard } from '../src/guard/nonce-guard.ts'

const PREFIX = '/agentwire-test/nonce/'
const WINDOW_MS = 5 * 60_000
/** Acknowledged nonces to see before the kill; the child keeps checking 8 at a time until killed. */
const BEFORE_KILL = 400

after(removeTempDirs)

test('every nonce acknowledged before a SIGKILL is refused after the restart', { timeout: 120_000 }, async () => {
  const dataDir = await tempDir('awnr-')
  const src = (path: string): string => fileURLToPath(new URL(`../src/${path}`, import.meta.url))
  const script = `
    import { openDatastore } from ${JSON.stringify(src('node/datastore.ts'))}
    import { NonceGuard } from ${JSON.stringify(src('guard/nonce-guard.ts'))}
    import { randomBytes } from 'node:crypto'
    const guard = new NonceGuard(await openDatastore(${JSON.stringify(dataDir)}), { prefix: ${JSON.stringify(PREFIX)}, clockWindowMs: ${WINDOW_MS} })
    await guard.load()
    for (let i = 0; ; i++) {
      await Promise.all(Array.from({ length: 8 }, async () => {
        const nonce = randomBytes(16).toString('hex')
        await guard.check(nonce, Date.now())
        process.stdout.write(nonce + '\\n')
      }))
    }`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const acknowledged: string[] = []
  const exited = new Promise(resolve => child.once('exit', resolve))
  for await (const line of createInterface({ input: child.stdout })) {
    acknowledged.push(line)
    if (acknowledged.length === BEFORE_KILL) child.kill('SIGKILL')
  }
  await exited
  assert.ok(acknowledged.length >= BEFORE_KILL, `the child acknowledged only ${acknowledged.length} nonces`)

  const store = await openDatastore(dataDir)
  try {
    const guard = new NonceGuard(store, { prefix: PREFIX, clockWindowMs: WINDOW_MS })
    await guard.load()
    const accepted: string[] = []
    for (const nonce of acknowledged) {
      await guard.check(nonce, Date.now()).then(() => accepted.push(nonce), (err) => assert.equal(err.code, 'REPLAYED_MESSAGE'))
    }
    assert.deepEqual(accepted, [], `${accepted.length} of ${acknowledged.length} acknowledged nonces were accepted again after the restart`)
    // A fresh nonce is still accepted: the guard is not simply refusing everything.
    await guard.check('00112233445566778899aabbccddeeff', Date.now())
  } finally {
    await closeDatastore(dataDir, store)
  }
})

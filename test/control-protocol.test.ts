// The control protocol's edges against a real control socket: params checked by schema (a bad one is
// named), a daemon that goes away mid-call is said to have stopped, and the CLI's help and hints.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startControlServer } from '../src/control/server.ts'
import { callDaemon } from '../src/control/client.ts'
import { cliCommand } from '../src/control/daemon.ts'
import { silentLogger } from '../src/log/logger.ts'
import { ERROR_CODES } from '../src/error-codes.ts'
import { STRIKE_WEIGHTS } from '../src/guard/constants.ts'
import { runCli } from './helpers/daemon.ts'
import { removeTempDirs, tempDir } from './helpers/tmp.ts'

after(removeTempDirs)

const log = silentLogger()

test('a bad param is refused naming the param, with the code callers already switch on', async () => {
  const dir = await tempDir()
  let pinged: unknown
  const server = await startControlServer(join(dir, 'control.sock'), {
    ping: async params => { pinged = params; return { peerId: params.target, rttMs: 1 } },
    'tasks.list': async () => ({ peerId: 'p', result: null }),
    'inbox.reply': async () => { throw new Error('not reached') }
  }, log)
  try {
    const rejects = async (method: string, params: unknown, code: string, message: RegExp): Promise<void> => {
      // Sent raw, as any client could: the schema, not the CLI, is what refuses it.
      // @ts-expect-error: deliberately outside the protocol's types
      await assert.rejects(callDaemon(dir, method, params), (err: { code: string, message: string }) => {
        assert.equal(err.code, code)
        assert.match(err.message, message)
        return true
      })
    }
    await rejects('ping', {}, 'MISSING_TARGET', /params\.target: missing/)
    await rejects('ping', { target: '' }, 'MISSING_TARGET', /params\.target: must not be empty/)
    await rejects('ping', { target: 5 }, 'MISSING_TARGET', /params\.target: .*expected string/)
    await rejects('tasks.list', { target: 'x', pageSize: 'ten' }, 'BAD_PARAMS', /"tasks\.list": params\.pageSize: .*expected number/)
    await rejects('inbox.reply', { taskId: 't', state: 'done' }, 'BAD_REPLY_STATE', /params\.state/)
    await rejects('no.such.method', {}, 'UNKNOWN_METHOD', /no command "no\.such\.method"/)
    assert.equal(pinged, undefined, 'no handler ran for a refused call')
    assert.deepEqual(await callDaemon(dir, 'ping', { target: 'peer-a' }), { peerId: 'peer-a', rttMs: 1 })
    assert.deepEqual(pinged, { target: 'peer-a' })
  } finally {
    await server.close()
  }
})

test('a stream whose daemon goes away says the daemon stopped, not that versions differ', async () => {
  const dir = await tempDir()
  let started!: () => void
  const streaming = new Promise<void>(resolve => { started = resolve })
  const server = await startControlServer(join(dir, 'control.sock'), {
    'reputation.watch': async (_params, { emit, signal }) => {
      emit({ type: 'release', at: 0, peerId: 'p', by: 'operator' })
      started()
      await new Promise(resolve => signal.addEventListener('abort', resolve))
      return null
    }
  }, log)
  const events: unknown[] = []
  const watching = callDaemon(dir, 'reputation.watch', {}, { timeoutMs: 0, onEvent: e => events.push(e) }).then(() => assert.fail('the watch ended without an error'), (err: unknown) => err)
  await streaming
  await server.close()
  const err = await watching as { code: string, message: string, hint: string }
  assert.equal(err.code, 'DAEMON_STOPPED')
  assert.match(err.message, /stopped or crashed/)
  assert.doesNotMatch(err.hint, /version/)
  assert.equal(events.length, 1)
})

test('`start --help` names $AGENTWIRE_CONFIG, and the ready line hints the CLI the way it was started', async () => {
  const help = await runCli(['start', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /\$AGENTWIRE_CONFIG or\s+config\/node\.yaml/)
  assert.equal(cliCommand({ npm_command: 'start', npm_lifecycle_event: 'start' }), 'npx agentwire')
  assert.equal(cliCommand({ npm_command: 'exec' }), 'npx agentwire')
  assert.equal(cliCommand({}), 'agentwire')
})

test('error codes are listed once, and strike weights name only listed codes', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, 'no code listed twice')
  for (const code of Object.keys(STRIKE_WEIGHTS)) assert.ok((ERROR_CODES as readonly string[]).includes(code), code)
})

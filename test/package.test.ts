// The package as a stranger installs it: `npm pack`, then a fresh project installs the tarball with
// `npm ci --offline` (dependencies from npm's cache, which `npm ci` in this checkout filled; the
// project's lockfile is ours, cut to the runtime dependencies), type-checks code against the public
// API, runs two nodes from the package, and runs the installed `agentwire` command.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile, copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir, removeTempDirs } from './helpers/tmp.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const BIN = join(ROOT, 'node_modules/.bin')
/** npm and npx run with the Node 24 devDependency first on PATH, as `npm test` runs everything. */
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' }

interface Run { code: number, stdout: string, stderr: string }
async function run (command: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<Run> {
  return await new Promise(resolve => {
    execFile(command, args, { cwd, env: ENV, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err == null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
    })
  })
}
function ok (r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`)
  return r
}

let project: string
let packed: Array<{ path: string }>

before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist/index.js')), 'the package ships dist/: run `npm run build` first (npm test does)')
  const work = await tempDir('awpkg-')
  // --ignore-scripts: `npm test` has just built dist/; `prepare` would build it once more.
  const pack = ok(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT), 'npm pack')
  const [info] = JSON.parse(pack.stdout)
  packed = info.files
  project = join(work, 'consumer')
  await mkdir(project)
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'))
  const tarball = `file:../${info.filename}`
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { agentwire: tarball } },
    'node_modules/agentwire': { version: pkg.version, resolved: tarball, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines }
  }
  // Runtime dependencies only: a module src/ imports but package.json lists under devDependencies
  // (or not at all) is then missing here, as it would be for a user.
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { agentwire: tarball } }, null, 2))
  await writeFile(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2))
  ok(await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project), 'npm ci --offline in a fresh project')
})

after(async () => { await removeTempDirs() })

test('the tarball holds the compiled package and its README, nothing else', () => {
  const paths = packed.map(f => f.path)
  assert.ok(paths.includes('dist/index.js') && paths.includes('dist/index.d.ts') && paths.includes('dist/cli/agentwire.js'), paths.join('\n'))
  const strays = paths.filter(p => !p.startsWith('dist/') && !['package.json', 'README.md'].includes(p))
  assert.deepEqual(strays, [], 'only dist/, package.json and README.md belong in the tarball')
  assert.ok(!paths.some(p => /(^|\/)(test|scripts|docs|examples)\//.test(p) || p.endsWith('.svg')), 'no tests, scripts, docs or examples')
})

test('TypeScript code using the public API type-checks against the installed package, examples included', async () => {
  await writeFile(join(project, 'uses-api.ts'), `
import { createAgentNode, testnet, AgentwireError, NotTrustedError, type AgentNode, type AgentwireConfigInput, type NodeInfo, type CardJson } from 'agentwire'
const config: AgentwireConfigInput = { dataDir: './.data/x', listen: ['/ip4/127.0.0.1/tcp/0'], trust: { policy: 'mutual' } }
const card: CardJson = { name: 'n', description: 'd', version: '1', skills: [] }
export async function main (): Promise<NodeInfo> {
  const node: AgentNode = await createAgentNode(config, { card })
  await node.start()
  await node.ready({ timeoutMs: 1000 })
  const net = await testnet(1)
  await net.stop()
  try { await node.a2a.send('someone', 'hi') } catch (err) { if (err instanceof AgentwireError && err.code === 'NOT_TRUSTED') void NotTrustedError }
  return node.info()
}
`)
  // Key material is not part of the public type.
  await writeFile(join(project, 'no-key.ts'), `
import type { AgentNode } from 'agentwire'
export function leak (node: AgentNode): unknown { return node.key }
`)
  for (const example of ['embedded-agent.ts', 'call-by-name.ts']) await copyFile(join(ROOT, 'examples', example), join(project, example))
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true,
      typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node']
    }
  }
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['uses-api.ts', 'embedded-agent.ts', 'call-by-name.ts'] }))
  ok(await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project), 'tsc --noEmit on code using the public API')
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['no-key.ts'] }))
  const leak = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)
  assert.notEqual(leak.code, 0, 'node.key must not type-check for a library user')
  assert.match(leak.stdout, /Property 'key' does not exist on type/)
})

test('two nodes started from the installed package make a trusted A2A call', async () => {
  await writeFile(join(project, 'two-nodes.mjs'), `
import { testnet, ExampleAgentExecutor, exampleAgentCard } from 'agentwire'
const net = await testnet(2, { options: i => (i === 1 ? { executor: new ExampleAgentExecutor(), card: exampleAgentCard('packaged agent') } : {}) })
try {
  const [caller, agent] = net.nodes
  await net.trust(caller, agent)
  const { result } = await caller.a2a.send(agent.peerId.toString(), 'Installed from a tarball. Works.')
  const card = await caller.a2a.caller.card(agent.peerId.toString())
  console.log(JSON.stringify({ state: result.task.status.state, text: result.task.artifacts[0].parts[0].text, card: card.card.name }))
} finally {
  await net.stop()
}
`)
  const r = ok(await run(process.execPath, ['two-nodes.mjs'], project, 60_000), 'two nodes from the package')
  assert.deepEqual(JSON.parse(r.stdout.trim()), { state: 'TASK_STATE_COMPLETED', text: 'Summary (5 words): Installed from a tarball.', card: 'packaged agent' })
})

test('WebRTC is an optional peer: without @libp2p/webrtc installed, nat.webrtc fails with a clear error and the hint', async () => {
  await writeFile(join(project, 'webrtc.mjs'), `
import { createAgentNode } from 'agentwire'
try {
  await createAgentNode({ dataDir: './.data/webrtc', listen: ['/ip4/127.0.0.1/tcp/0'], nat: { webrtc: true } })
  console.log(JSON.stringify({ created: true }))
} catch (err) {
  console.log(JSON.stringify({ code: err.code, hint: err.hint }))
}
`)
  const r = ok(await run(process.execPath, ['webrtc.mjs'], project, 60_000), 'a node with nat.webrtc and no @libp2p/webrtc')
  const out = JSON.parse(r.stdout.trim())
  assert.equal(out.code, 'NAT_WEBRTC_MISSING')
  assert.match(out.hint, /npm i @libp2p\/webrtc/)
})

test('the installed `agentwire` command runs: --version, and a clear DAEMON_NOT_RUNNING without a daemon', async () => {
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
  const v = ok(await run('npx', ['--no-install', 'agentwire', '--version'], project), 'npx agentwire --version')
  assert.equal(v.stdout.trim(), version)
  const info = await run('npx', ['--no-install', 'agentwire', 'info', '--data-dir', join(project, 'no-such-node'), '--json'], project)
  assert.notEqual(info.code, 0)
  assert.equal(JSON.parse(info.stdout).error.code, 'DAEMON_NOT_RUNNING')
  const human = await run('npx', ['--no-install', 'agentwire', 'info', '--data-dir', join(project, 'no-such-node')], project)
  assert.match(human.stderr, /^error: no agentwire daemon is running/m)
  assert.match(human.stderr, /^hint: /m)
})

test('on a Node older than 22 the installed command says what it needs instead of crashing', async (t) => {
  // The machine's own Node (outside node_modules/.bin), when it is an old one.
  const system = await run('/usr/bin/env', ['-S', `PATH=${(process.env.PATH ?? '').split(':').filter(p => p !== BIN && !p.includes('node_modules')).join(':')}`, 'node', '--version'], project)
  const major = Number(/^v(\d+)/.exec(system.stdout.trim())?.[1] ?? 'NaN')
  if (!(major < 22)) { t.skip(`the machine's Node is ${system.stdout.trim() || 'absent'}, not older than 22`); return }
  const r = await run('/usr/bin/env', ['-S', `PATH=${(process.env.PATH ?? '').split(':').filter(p => p !== BIN && !p.includes('node_modules')).join(':')}`, 'node', join(project, 'node_modules/agentwire/dist/cli/agentwire.js'), '--version'], project)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^error: agentwire needs Node\.js 22 or newer .*this is Node v\d+/m)
  assert.match(r.stderr, /^hint: install Node 22 or newer/m)
})

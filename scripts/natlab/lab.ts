// The lab from TypeScript: bring the namespaces up and down (lab.sh does the work) and start lab
// nodes inside them (agent.ts), each driven over its stdin/stdout.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

const LAB_SH = fileURLToPath(new URL('./lab.sh', import.meta.url))
const AGENT = fileURLToPath(new URL('./agent.ts', import.meta.url))
// A lab node that prints nothing for this long is considered dead. Generous: on the loaded 2-core
// machine two nodes starting side by side took 75 s and over 90 s at load average 24 (the lab test
// failed there), most of it compiling the same modules in every process (see COMPILE_CACHE).
const READY_TIMEOUT_MS = 150_000
// Node's on-disk code cache, shared by every lab node: a node started in 11.7-12.9 s without it
// and 6.8 s with it warm (load average 15; each lab run starts 13 nodes).
const COMPILE_CACHE = join(tmpdir(), 'awl-node-compile-cache')

export const RELAY_IP = '11.0.0.1'
export const PUBLIC_IP = '11.0.0.2'
export const RELAY_PORT = 4001
/** coturn on the lab's "internet" (lab.sh starts it, STUN only). */
export const STUN_URL = 'stun:11.0.0.3:3478'

/** Which tools the lab needs; the missing ones, so a caller can skip with a reason. */
export function missingTools (): string[] {
  const missing: string[] = []
  const has = (cmd: string): boolean => { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true } catch { return false } }
  if (!has('ip')) missing.push('ip (iproute2)')
  if (!has('nft')) missing.push('nft (nftables)')
  if (!has('turnserver')) missing.push('turnserver (coturn)')
  if (!has('/usr/sbin/miniupnpd')) missing.push('miniupnpd (miniupnpd-nftables)')
  return missing
}

export function labUp (options: { symmetric?: boolean, delayMs?: number } = {}): void {
  const args = [...(options.symmetric === true ? ['--symmetric'] : []), ...(options.delayMs != null ? ['--delay', String(options.delayMs)] : [])]
  execFileSync('bash', [LAB_SH, 'up', ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
}

export function labDown (): void {
  execFileSync('bash', [LAB_SH, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] })
}

export interface LabNode {
  peerId: string
  addresses: string[]
  dataDir: string
  call: (op: string, args?: Record<string, unknown>, timeoutMs?: number) => Promise<any>
  /** Stop cleanly (the node closes its connections), or kill -9 when it does not answer. */
  stop: () => Promise<void>
  kill: () => Promise<void>
  output: () => string
}

const running = new Set<ChildProcess>()
const dataDirs = new Set<string>()

/** Start an agentwire node in namespace `ns` (without the awl- prefix). Reuse `dataDir` to keep the PeerId. */
export async function startNode (ns: string, config: Record<string, unknown>, dataDir?: string): Promise<LabNode> {
  const dir = dataDir ?? await mkdtemp(join(tmpdir(), `awl-${ns}-`))
  dataDirs.add(dir)
  const full = { dataDir: dir, log: { level: 'silent' }, dht: { allowPrivateAddresses: false }, ...config }
  const child = spawn('ip', ['netns', 'exec', `awl-${ns}`, process.execPath, AGENT, JSON.stringify(full)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Keeper and relay logs land in output(), so a failed scenario can say what happened.
    env: { NODE_COMPILE_CACHE: COMPILE_CACHE, ...process.env, DEBUG: process.env.DEBUG ?? 'agentwire:relay-keeper,libp2p:circuit-relay:transport:reservation-store' }
  })
  running.add(child)
  let stderr = ''
  // NATLAB_LOG_DIR=<dir>: every lab node's whole stderr (DEBUG traces) also goes to <dir>/<ns>-<pid>.log.
  const logFile = process.env.NATLAB_LOG_DIR != null ? createWriteStream(join(process.env.NATLAB_LOG_DIR, `${ns}-${child.pid ?? 0}.log`)) : null
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-20000); logFile?.write(d) })
  const exited = new Promise<void>(resolve => child.once('exit', () => { running.delete(child); resolve() }))
  const waiting = new Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>()
  let ready: (msg: any) => void = () => {}
  const readyMsg = new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`lab node in ${ns} not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`)) }, READY_TIMEOUT_MS)
    ready = (msg) => { clearTimeout(timer); resolve(msg) }
    void exited.then(() => { clearTimeout(timer); reject(new Error(`lab node in ${ns} exited: ${stderr}`)) })
  })
  createInterface({ input: child.stdout }).on('line', line => {
    let msg: any
    try { msg = JSON.parse(line) } catch { return }
    if (msg.event === 'ready') { ready(msg); return }
    const w = waiting.get(msg.id)
    if (w == null) return
    waiting.delete(msg.id)
    if (msg.error != null) w.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }))
    else w.resolve(msg.result)
  })
  void exited.then(() => { for (const w of waiting.values()) w.reject(new Error(`lab node in ${ns} exited: ${stderr}`)) })
  const hello = await readyMsg
  let nextId = 0
  const call = async (op: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<any> => {
    const id = ++nextId
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiting.delete(id); reject(new Error(`${op} on ${ns} took over ${timeoutMs} ms`)) }, timeoutMs)
      waiting.set(id, { resolve: v => { clearTimeout(timer); resolve(v) }, reject: e => { clearTimeout(timer); reject(e) } })
      child.stdin.write(JSON.stringify({ id, op, ...args }) + '\n')
    })
  }
  const kill = async (): Promise<void> => { if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL'); await exited }
  return {
    peerId: hello.peerId,
    addresses: hello.addresses,
    dataDir: dir,
    call,
    kill,
    output: () => stderr,
    stop: async () => {
      try { await call('stop', {}, 10_000) } catch {}
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5_000))])
      await kill()
    }
  }
}

/** Kill every lab node still running and remove their data directories. */
export async function stopAllNodes (): Promise<void> {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
  await Promise.all([...dataDirs].map(async dir => { await rm(dir, { recursive: true, force: true }) }))
  dataDirs.clear()
}

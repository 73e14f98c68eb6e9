// Child processes for the bench: spawn, read JSON lines with a deadline, time a whole run, read RSS.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { nowMs } from './stats.ts'

/** The Node running the bench (npm puts node_modules/.bin first, so this is the Node 24 devDependency). */
export const NODE = process.execPath
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The compiled CLI, as `npm start` and an installed package run it (`npm run bench` builds it first). */
export const CLI = join(ROOT, 'dist/cli/agentwire.js')
/** The same CLI run from its TypeScript sources with Node's type stripping, as tests run it. */
export const SOURCE_CLI = join(ROOT, 'src/cli/agentwire.ts')
export const PEERS = fileURLToPath(new URL('../peers/', import.meta.url))

export interface Child {
  process: ChildProcess
  pid: number
  /** Resolves with the first stdout JSON line for which `match` is true. */
  nextJson: (match: (line: any) => boolean, timeoutMs: number) => Promise<any>
  output: () => string
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop: (graceMs?: number) => Promise<void>
}

export function start (args: string[], options: { env?: Record<string, string>, cwd?: string, nodeArgs?: string[] } = {}): Child {
  const child = spawn(NODE, [...(options.nodeArgs ?? []), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let out = ''
  let pending = ''
  const lines: any[] = []
  const waiters = new Set<() => void>()
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
    pending += d
    let nl: number
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      try { lines.push(JSON.parse(line)) } catch { /* not JSON: keep for output() only */ }
    }
    for (const wake of waiters) wake()
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => { for (const wake of waiters) wake(); resolve(code) }))
  let exitCode: number | null | undefined
  void exited.then(code => { exitCode = code })
  return {
    process: child,
    pid: child.pid!,
    output: () => out,
    exited,
    nextJson: async (match, timeoutMs) => await new Promise((resolve, reject) => {
      const check = (): void => {
        const i = lines.findIndex(match)
        if (i >= 0) { done(); resolve(lines.splice(i, 1)[0]); return }
        if (exitCode !== undefined) { done(); reject(new Error(`process exited (${exitCode}) before the expected line:\n${out.slice(-2000)}`)) }
      }
      const timer = setTimeout(() => { done(); reject(new Error(`no expected line within ${timeoutMs} ms:\n${out.slice(-2000)}`)) }, timeoutMs)
      const done = (): void => { clearTimeout(timer); waiters.delete(check) }
      waiters.add(check)
      check()
    }),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode != null || child.signalCode != null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
  }
}

/** Spawn, wait for exit, return the wall time in ms. Fails on a non-zero exit. */
export async function timeRun (args: string[], options: { timeoutMs?: number, env?: Record<string, string> } = {}): Promise<number> {
  const t0 = nowMs()
  const child = start(args, options)
  child.process.stdin!.end()
  const timer = setTimeout(() => child.process.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const code = await child.exited
  const elapsed = nowMs() - t0
  clearTimeout(timer)
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}:\n${child.output().slice(-2000)}`)
  return elapsed
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status)
  if (m == null) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1]) * 1024
}

/**
 * RSS once it stops moving: polls every `intervalMs` until three readings in a row are within 1% of
 * each other, or `maxMs` passes (then the last reading, flagged). Waiting here is settling, not timing.
 */
export async function settledRss (pid: number, options: { intervalMs?: number, maxMs?: number } = {}): Promise<{ rss: number, settled: boolean }> {
  const interval = options.intervalMs ?? 250
  const deadline = nowMs() + (options.maxMs ?? 8_000)
  const readings: number[] = []
  while (true) {
    readings.push(await rssOf(pid))
    const last = readings.slice(-3)
    if (last.length === 3 && Math.max(...last) - Math.min(...last) <= 0.01 * Math.max(...last)) return { rss: last[2], settled: true }
    if (nowMs() > deadline) return { rss: readings[readings.length - 1], settled: false }
    await new Promise(resolve => setTimeout(resolve, interval))
  }
}

const tempDirs: string[] = []

/** Short temporary folders (Unix socket paths must stay under 108 bytes), removed by `cleanup()`. */
export async function tempDir (): Promise<string> {
  const dir = await mkdtemp('/tmp/awb-')
  tempDirs.push(dir)
  return dir
}

export async function cleanupTempDirs (): Promise<void> {
  await Promise.all(tempDirs.splice(0).map(dir => rm(dir, { recursive: true, force: true })))
}

/** A daemon config as the tests write it: loopback only, quiet JSON logs. */
export async function writeDaemonConfig (extra: Record<string, unknown> = {}): Promise<{ dir: string, configPath: string }> {
  const dir = await tempDir()
  const configPath = join(dir, 'config.yaml')
  await writeFile(configPath, stringify({ dataDir: 'data', listen: ['/ip4/127.0.0.1/tcp/0'], log: { level: 'warn', format: 'json' }, ...extra }))
  return { dir, configPath }
}

/** `agentwire start` as a child; resolves once the ready line is out. */
export async function startDaemon (configPath: string, timeoutMs = 30_000, env: Record<string, string> = {}, cli = CLI): Promise<{ child: Child, ready: any, readyMs: number }> {
  const t0 = nowMs()
  const child = start([cli, 'start', '--config', configPath], { env })
  child.process.stdin!.end()
  const ready = await child.nextJson(l => l?.event === 'ready', timeoutMs)
  return { child, ready, readyMs: nowMs() - t0 }
}

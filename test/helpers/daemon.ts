// Real daemons as child processes, driven by the real CLI: what a user runs, over real sockets.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { after } from 'node:test'
import { tempDir, removeTempDirs } from './tmp.ts'

export const CLI = fileURLToPath(new URL('../../src/cli/agentwire.ts', import.meta.url))

/** Deadline for a daemon to print its ready line. Generous: CI machines are slow and noisy. */
const READY_DEADLINE_MS = 30_000

export interface CliResult { code: number, stdout: string, stderr: string }

export async function runCli (args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return await new Promise(resolve => {
    execFile(process.execPath, [CLI, ...args], { timeout: options.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err == null ? 0 : (typeof err.code === 'number' ? err.code : 1), stdout, stderr })
    })
  })
}

/** Run a CLI command with --json and parse its stdout. */
export async function cliJson (args: string[]): Promise<any> {
  const r = await runCli([...args, '--json'])
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`agentwire ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
}

export interface Daemon {
  peerId: string
  addresses: string[]
  dataDir: string
  configPath: string
  process: ChildProcess
  /** stdout and stderr so far, for failure messages. */
  output: () => string
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
  stop: () => Promise<number | null>
}

export async function writeConfig (config: Record<string, unknown>, dir?: string): Promise<string> {
  const folder = dir ?? await tempDir()
  const configPath = join(folder, 'config.yaml')
  await writeFile(configPath, stringify({ dataDir: 'data', listen: ['/ip4/127.0.0.1/tcp/0'], log: { level: 'warn', format: 'json' }, ...config }))
  return configPath
}

export async function startDaemon (configPath: string): Promise<Daemon> {
  const child = spawn(process.execPath, [CLI, 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  const ready = await new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`daemon not ready within ${READY_DEADLINE_MS} ms:\n${out}`)) }, READY_DEADLINE_MS)
    const onData = (): void => {
      for (const line of out.split('\n')) {
        if (!line.includes('"event":"ready"')) continue
        clearTimeout(timer)
        child.stdout.off('data', onData)
        resolve(JSON.parse(line))
        return
      }
    }
    child.stdout.on('data', onData)
    void exited.then(code => { clearTimeout(timer); reject(new Error(`daemon exited with ${code} before it was ready:\n${out}`)) })
  })
  return {
    peerId: ready.peerId,
    addresses: ready.addresses,
    dataDir: ready.dataDir,
    configPath,
    process: child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
      return await exited
    }
  }
}

/**
 * A daemon owned by one test (`t`, node:test's test context): stopped when that test ends, pass or
 * fail, so a test that kills or restarts a daemon does it to its own and leaves the others alone.
 */
export async function daemonFor (t: { after: (fn: () => Promise<void>) => void }, configPath: string): Promise<Daemon> {
  const d = await startDaemon(configPath)
  t.after(async () => { await d.stop() })
  return d
}

/**
 * A `daemon(configPath)` for one test file: every daemon it starts is stopped when the file ends,
 * then the file's temp dirs are removed.
 */
export function daemonsForThisFile (): (configPath: string) => Promise<Daemon> {
  const running: Daemon[] = []
  after(async () => {
    await Promise.all(running.map(d => d.stop()))
    await removeTempDirs()
  })
  return async (configPath) => {
    const d = await startDaemon(configPath)
    running.push(d)
    return d
  }
}

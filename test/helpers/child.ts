// A child process that prints JSON lines (the examples, the Python agent): wait for a line that
// matches, with a deadline, and stop it at the end.
import { spawn, type ChildProcess } from 'node:child_process'

export interface JsonChild {
  process: ChildProcess
  /** The first JSON line on stdout for which `match` is true; fails on exit or after `deadlineMs`. */
  line: (match: (line: any) => boolean, deadlineMs?: number) => Promise<any>
  output: () => string
  /** Resolves with the exit code once the process ends by itself. */
  exited: Promise<number | null>
  /** SIGTERM (SIGKILL after 5 s); resolves with the exit code. */
  stop: () => Promise<number | null>
}

export function spawnJsonLines (command: string, args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv } = {}): JsonChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const lines: any[] = []
  const wake = new Set<() => void>()
  let partial = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d
    partial += d
    const complete = partial.split('\n')
    partial = complete.pop() ?? ''
    for (const l of complete) { try { lines.push(JSON.parse(l)) } catch { /* not JSON: kept in output() */ } }
    for (const w of wake) w()
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d })
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>(resolve => child.once('exit', code => { exitCode = code; for (const w of wake) w(); resolve(code) }))
  return {
    process: child,
    output: () => out,
    exited,
    line: async (match, deadlineMs = 60_000) => await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { wake.delete(check); reject(new Error(`no matching line from ${args.join(' ')} within ${deadlineMs} ms:\n${out}`)) }, deadlineMs)
      function check (): void {
        const found = lines.find(match)
        if (found !== undefined) { clearTimeout(timer); wake.delete(check); resolve(found); return }
        if (exitCode !== undefined) { clearTimeout(timer); wake.delete(check); reject(new Error(`${args.join(' ')} exited (${exitCode}) before a matching line:\n${out}`)) }
      }
      wake.add(check)
      check()
    }),
    stop: async () => {
      if (child.exitCode == null && child.signalCode == null) {
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
      }
      return await exited
    }
  }
}

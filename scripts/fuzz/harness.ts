// runFuzz: start real nodes on 127.0.0.1 (a victim, an attacker it trusts, a stranger it does not,
// an honest peer), throw every target's cases at the victim, and report findings, unhandled
// rejections, refusals counted, disconnections, and heap growth. Bounded by a count per target and
// a total time budget; reproducible from the seed.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { toString } from 'uint8arrays'
import { createAgentNode, type AgentNode } from '../../src/agent-node.ts'
import { startControlServer, type ControlServer } from '../../src/control/server.ts'
import { nodeHandlers } from '../../src/control/handlers.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { FuzzContext, FuzzTarget, Finding } from './context.ts'
import type { ProbeResult } from './probe.ts'
import { Rng } from '../lib/rng.ts'
import { handshakeTarget } from './targets/handshake.ts'
import { a2aTarget } from './targets/a2a.ts'
import { cardTarget } from './targets/card.ts'
import { namesTarget } from './targets/names.ts'
import { controlTarget } from './targets/control.ts'
import { configTarget } from './targets/config.ts'

export const TARGETS: FuzzTarget[] = [handshakeTarget, a2aTarget, cardTarget, namesTarget, controlTarget, configTarget]

export interface FuzzOptions {
  seed: number
  /** Cases per target. */
  count: number
  /** Whole run, in ms; each target gets an equal share. */
  timeBudgetMs: number
  /** Only these targets. @default all */
  only?: string[]
  /**
   * How long the victim has to end a hostile stream, in ms. The victim ends them at its 10 s read
   * timeout (the control socket at CONTROL_REQUEST_DEADLINE_MS); the rest is margin for a loaded
   * machine, so "left open" means never closed, not closed late. A passing case never waits for it.
   * @default 30000
   */
  deadlineMs?: number
  log?: (message: string) => void
}

export interface FuzzReport {
  seed: number
  cases: Record<string, number>
  findings: Finding[]
  unhandled: string[]
  /** Refusals the victim's guard counted, by reason. */
  refusals: Record<string, number>
  /** What the victim answered, per target: an error code, `answer` (a non-error frame), `none`, or the stream outcome. */
  replies: Record<string, Record<string, number>>
  /** Times the guard disconnected the attacker (the harness re-admits it each time). */
  disconnects: number
  heapBeforeMb: number
  heapAfterMb: number
  durationMs: number
}

/** Loosened limits for the run, so cases reach the parsers instead of the rate limiter; strikes still disconnect. */
const FUZZ_GUARD = { streamsPerSecond: 1e6, streamBurst: 1e6, handshakesPerMinute: 1e6, handshakeBurst: 1e6 }
const NODE_LIMITS = { inboundConnectionsPerHostPerSecond: 1000 }
/** The victim's control socket drops a silent client after this, in ms (the daemon's default is 10 s). */
const CONTROL_REQUEST_DEADLINE_MS = 3_000
/**
 * How long the honest peer's check call may take, in ms: an answer in seconds when idle, but a
 * loaded CI machine (load average 12 on 2 cores) once took over 15 s. A broken victim never answers.
 */
const HONEST_CALL_DEADLINE_MS = 60_000

function gc (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

function heapMb (collect: () => void): number {
  collect(); collect()
  return Math.round(process.memoryUsage().heapUsed / 1024 / 102.4) / 10
}

/** The `{error}` frame a refusal starts with, if the reply is one. */
function errorCode (reply: Uint8Array): string | undefined {
  let len = 0
  let shift = 0
  let at = 0
  for (; at < reply.length && at < 5; at++) {
    len += (reply[at] & 0x7f) * 2 ** shift
    shift += 7
    if ((reply[at] & 0x80) === 0) break
  }
  try {
    const frame = JSON.parse(toString(reply.subarray(at + 1, at + 1 + len)))
    return typeof frame?.error?.code === 'string' ? frame.error.code : undefined
  } catch {
    return undefined
  }
}

export async function runFuzz (options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {})
  const started = Date.now()
  const findings: Finding[] = []
  const unhandled: string[] = []
  const onUnhandled = (err: unknown): void => { unhandled.push(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 4).join('\n')}` : String(err)) }
  process.on('unhandledRejection', onUnhandled)
  process.on('uncaughtException', onUnhandled)
  const tmpDir = await mkdtemp('/tmp/awfuzz-')
  const nodes: AgentNode[] = []
  let control: ControlServer | undefined
  let disconnects = 0
  const replies: Record<string, Record<string, number>> = {}
  const collect = gc()
  try {
    const make = async (name: string, extra: Record<string, unknown> = {}): Promise<AgentNode> => {
      const node = await createAgentNode({ dataDir: join(tmpDir, name), listen: ['/ip4/127.0.0.1/tcp/0'], limits: NODE_LIMITS, ...extra })
      nodes.push(node)
      await node.start()
      return node
    }
    const attacker = await make('attacker')
    const stranger = await make('stranger')
    const honest = await make('honest')
    const victim = await make('victim', { trust: { autoApprove: [attacker.peerId.toString(), honest.peerId.toString()] }, a2a: { exampleAgent: true } })
    victim.trust.guard.configure(FUZZ_GUARD)
    for (const node of [attacker, stranger, honest]) await node.connect(victim.addresses()[0])
    const controlSocket = join(victim.config.dataDir, 'control.sock')
    // A short request deadline: cases that keep the socket open end sooner, with a wide margin under ctx.deadlineMs.
    control = await startControlServer(controlSocket, nodeHandlers(victim, { requestStop: () => {} }), silentLogger(), { requestDeadlineMs: CONTROL_REQUEST_DEADLINE_MS })

    const rejections = (): number => Object.values(victim.trust.guard.stats().rejections).reduce((a, b) => a + b, 0)
    const honestCall = async (): Promise<string | undefined> => {
      try {
        const { result } = await honest.a2a.send(victim.peerId.toString(), 'honest question. still served?', { signal: AbortSignal.timeout(HONEST_CALL_DEADLINE_MS) }) as any
        return result != null ? undefined : 'no result'
      } catch (err: any) {
        return `${err.code ?? err.name}: ${err.message}`
      }
    }
    const warm = await honestCall()
    if (warm != null) throw new Error(`the honest peer cannot call the victim before fuzzing: ${warm}`)
    const heapBeforeMb = heapMb(collect)

    let target = ''
    const ctx: FuzzContext = {
      victim,
      attacker,
      stranger,
      controlSocket,
      tmpDir,
      deadlineMs: options.deadlineMs ?? 30_000,
      finding: f => { findings.push({ target, ...f }); log(`  FINDING ${f.caseId}: ${f.what}${f.detail != null ? ` — ${f.detail}` : ''}`) },
      rejections,
      readmit: async peer => {
        const id = peer.peerId.toString()
        if (!victim.trust.guard.isBanned(id)) return
        disconnects++
        victim.trust.guard.pardon(id)
        // The hang-up may still be under way; dial until a fresh connection stands (bounded).
        for (let tries = 0; tries < 20; tries++) {
          try {
            await peer.libp2p.dial(victim.peerId, { signal: AbortSignal.timeout(2_000) })
            if (peer.libp2p.getConnections(victim.peerId).some(c => c.status === 'open')) return
          } catch {}
          await new Promise(resolve => setTimeout(resolve, 50))
        }
      },
      expectHandled: async (caseId: string, result: ProbeResult, before: number, label: string) => {
        if (result.outcome === 'open') {
          ctx.finding({ caseId, what: `the victim left the stream open for ${ctx.deadlineMs} ms`, detail: label })
          return
        }
        const code = errorCode(result.reply)
        const kind = code ?? (result.reply.length > 0 ? 'answer' : `${result.outcome}, no reply`)
        const mine = replies[target] ??= {}
        mine[kind] = (mine[kind] ?? 0) + 1
        if (code == null) return
        // A refusal must be counted against the peer (the strike lands just after the stream closes).
        const until = Date.now() + 2_000
        while (rejections() <= before && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 10))
        if (rejections() <= before) ctx.finding({ caseId, what: `refusal ${code} was not counted by the guard`, detail: label })
      }
    }

    const targets = TARGETS.filter(t => options.only == null || options.only.includes(t.name))
    const cases: Record<string, number> = {}
    // One generator per target, forked in TARGETS order whatever `only` says, so `--only T` replays
    // exactly the cases T ran in the full run (forking mutates the root).
    const root = new Rng(options.seed)
    const rngs = TARGETS.map((_, i) => root.fork(i))
    for (const t of targets) {
      target = t.name
      const share = Math.max(1_000, Math.floor((options.timeBudgetMs - (Date.now() - started)) / (targets.length - targets.indexOf(t))))
      const t0 = Date.now()
      const ran = await t.run(ctx, rngs[TARGETS.indexOf(t)], options.count, AbortSignal.timeout(share), i => `${options.seed}:${t.name}:${i}`)
      cases[t.name] = ran
      const honestAfter = await honestCall()
      if (honestAfter != null) ctx.finding({ caseId: `${options.seed}:${t.name}:after`, what: 'the honest peer was not served after this target', detail: honestAfter })
      log(`${t.name}: ${ran} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    const heapAfterMb = heapMb(collect)
    return {
      seed: options.seed,
      cases,
      findings,
      unhandled,
      refusals: victim.trust.guard.stats().rejections,
      disconnects,
      replies,
      heapBeforeMb,
      heapAfterMb,
      durationMs: Date.now() - started
    }
  } finally {
    await control?.close().catch(() => {})
    await Promise.allSettled(nodes.map(n => n.stop()))
    process.off('unhandledRejection', onUnhandled)
    process.off('uncaughtException', onUnhandled)
    await rm(tmpDir, { recursive: true, force: true })
  }
}

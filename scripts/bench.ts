// `npm run bench [-- --quick] [--json] [--only a,b] [--docs]`: every headline figure next to its
// baseline in one run. Each figure is one file in scripts/bench/figures/; a figure that depends on
// unfinished work prints as missing with its reason, never as a number.
// --docs writes docs/benchmarks.md (table, machine, command and an SVG chart), keeping its Notes.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Figure, FigureResult } from './bench/lib/figure.ts'
import { cleanupTempDirs, ROOT } from './bench/lib/process.ts'
import { round } from './bench/lib/stats.ts'
import { stopSwarm } from './bench/lib/swarm.ts'
import { table, markdown } from './bench/lib/report.ts'
import { figure as streamThroughput } from './bench/figures/stream-throughput.ts'
import { figure as a2aLatency } from './bench/figures/a2a-latency.ts'
import { figure as a2aThroughput } from './bench/figures/a2a-throughput.ts'
import { figure as connectLatency } from './bench/figures/connect-latency.ts'
import { figure as coldStart } from './bench/figures/cold-start.ts'
import { figure as cliRoundtrip } from './bench/figures/cli-roundtrip.ts'
import { figure as dhtResolve } from './bench/figures/dht-resolve.ts'
import { figure as gossipPropagation } from './bench/figures/gossip-propagation.ts'
import { figure as handshake } from './bench/figures/handshake.ts'
import { figure as idleRss } from './bench/figures/idle-rss.ts'
import { figure as honestUnderAttack } from './bench/figures/honest-under-attack.ts'
import { figure as reportFlood } from './bench/figures/report-flood.ts'
import { figure as streamOpen } from './bench/figures/stream-open.ts'
import { figure as gatewayLatency } from './bench/figures/gateway-latency.ts'
import { figure as auditCommit } from './bench/figures/audit-commit.ts'
import { figure as churn } from './bench/figures/churn.ts'
import { figure as idleCost } from './bench/figures/idle-cost.ts'

/** In the order of issue 8's table, then issue 9's honest latency under attack, then issue 17's report flood. */
const FIGURES: Figure[] = [streamThroughput, a2aLatency, a2aThroughput, connectLatency, coldStart, cliRoundtrip, dhtResolve, gossipPropagation, handshake, idleRss, honestUnderAttack, reportFlood,
  streamOpen, gatewayLatency, auditCommit, churn, idleCost]

/** Most one figure may take before it is reported as failed, in ms. */
const FIGURE_BUDGET_MS = { quick: 90_000, full: 240_000 }

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const json = argv.includes('--json')
const docs = argv.includes('--docs')
const onlyAt = argv.indexOf('--only')
const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1]?.split(',')) : null
const unknownFlag = argv.find((a, i) => a.startsWith('--') && !['--quick', '--json', '--docs', '--only'].includes(a) && argv[i - 1] !== '--only')
if (unknownFlag != null || (only != null && [...only].some(n => !FIGURES.some(f => f.name === n)))) {
  process.stderr.write(`usage: npm run bench -- [--quick] [--json] [--docs] [--only ${FIGURES.map(f => f.name).join(',')}]\n`)
  process.exit(2)
}

const log = (message: string): void => { process.stderr.write(`${message}\n`) }

async function runFigure (figure: Figure): Promise<FigureResult> {
  const empty = { name: figure.name, unit: figure.unit, baseline: figure.baseline, goal: figure.goal, baselineValue: null, ratio: null, met: null }
  if (figure.missing != null || figure.run == null) return { ...empty, value: null, missing: figure.missing ?? 'not implemented' }
  const budgets = figure.budgetMs ?? FIGURE_BUDGET_MS
  const budget = quick ? budgets.quick : budgets.full
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const t0 = performance.now()
  log(`▸ ${figure.name}…`)
  try {
    const measured = await Promise.race([
      figure.run({ quick, log: m => log(`  ${m}`), signal: controller.signal }),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { controller.abort(); reject(new Error(`over its ${budget / 1000} s budget`)) }, budget) })
    ])
    log(`  done in ${round((performance.now() - t0) / 1000)} s`)
    const ratio = measured.baselineValue != null && measured.baselineValue !== 0 ? measured.value / measured.baselineValue : null
    return {
      ...empty,
      value: round(measured.value),
      baselineValue: measured.baselineValue == null ? null : round(measured.baselineValue),
      ratio: ratio == null ? null : round(ratio),
      met: figure.met == null ? null : figure.met(measured),
      ...(measured.details != null ? { details: measured.details } : {})
    }
  } catch (err) {
    log(`  failed: ${(err as Error).message}`)
    // A figure may attach what it did measure before failing (smaller sizes, say) as `details`.
    const partial = (err as { details?: Record<string, unknown> }).details
    return { ...empty, value: null, missing: `measurement failed: ${(err as Error).message.split('\n')[0]}`, ...(partial != null ? { details: partial } : {}) }
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}

const results: FigureResult[] = []
try {
  for (const figure of FIGURES) {
    if (only != null && !only.has(figure.name)) continue
    results.push(await runFigure(figure))
  }
} finally {
  await stopSwarm()
  await cleanupTempDirs()
}

if (json) process.stdout.write(JSON.stringify({ figures: results }, null, 2) + '\n')
else process.stdout.write(table(results) + '\n')

if (docs) {
  const path = join(ROOT, 'docs/benchmarks.md')
  const previous = await readFile(path, 'utf8').catch(() => '')
  const notesAt = previous.indexOf('\n## Notes\n')
  const notes = notesAt >= 0 ? previous.slice(notesAt + '\n## Notes\n'.length).trim() : undefined
  const command = `npm run bench --${quick ? ' --quick' : ''} --docs`
  await writeFile(path, markdown(results, { command, quick, date: new Date().toISOString().slice(0, 10), ...(notes != null ? { notes } : {}) }))
  log(`wrote ${path}`)
}
process.exit(0)

// npm run sim:reputation — the reputation simulation: agentwire's own aggregation code
// (src/reputation/model.ts) against EigenTrust and random choice, under eleven attacks, at
// 10/30/50/70% malicious, for 100 and 1000 agents with fixed seeds. Prints a table (or `--json` rows).
// Only with --write does it touch docs: it then replaces, in docs/reputation.md, the result section of
// each agent count it ran (the others are kept), and the SVG chart when it ran the first default size.
//
//   node scripts/sim-reputation.ts [--json] [--quick] [--write] [--agents 100,1000] [--attacks a,b] [--malicious 0.3,0.5] [--rounds N] [--jobs N] [--models agentwire] [--progress rows.jsonl]
// --progress appends each row to a file as soon as its run ends (one JSON object a line), so a long
// run that is stopped still leaves the rows it finished.
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { ATTACKS, type Attack, type Row, type RunSpec } from './sim/world.ts'
import { runAll } from './sim/pool.ts'
import { table, svg } from './sim/chart.ts'
import { defaultReputationConfig } from '../src/reputation/params.ts'
import { MODEL_NAMES, type ModelName } from './sim/models.ts'

const USAGE = 'usage: node scripts/sim-reputation.ts [--json] [--quick] [--write] [--agents 100,1000] [--attacks a,b] [--malicious 0.3,0.5] [--rounds N] [--jobs N] [--models agentwire,eigentrust,none] [--progress rows.jsonl]'
/** Stop with what was wrong and how to run it instead: a mistyped flag must not start an hour-long full run. */
function usageError (message: string, hint = USAGE): never {
  console.error(`error: ${message}\nhint: ${hint}`)
  process.exit(2)
}
const OPTIONS = {
  json: { type: 'boolean' },
  quick: { type: 'boolean' },
  write: { type: 'boolean' },
  help: { type: 'boolean' },
  agents: { type: 'string' },
  attacks: { type: 'string' },
  malicious: { type: 'string' },
  rounds: { type: 'string' },
  jobs: { type: 'string' },
  models: { type: 'string' },
  progress: { type: 'string' }
} as const
function parseCli (): ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'] {
  try {
    return parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true }).values
  } catch (err) {
    return usageError((err as Error).message)
  }
}
const cli = parseCli()
if (cli.help === true) { console.log(USAGE); process.exit(0) }
/** A comma-separated list of numbers, each checked by `ok`, or a usage error naming the flag. */
function numbers (name: string, value: string, ok: (n: number) => boolean, what: string): number[] {
  const list = value.split(',').map(Number)
  for (const n of list) if (!ok(n)) usageError(`--${name} ${value}: each value must be ${what}`)
  return list
}
const isCount = (n: number): boolean => Number.isInteger(n) && n > 0
const quick = cli.quick === true
const json = cli.json === true
const agentsList = numbers('agents', cli.agents ?? (quick ? '60' : '100,1000'), n => isCount(n) && n >= 10, 'a whole number of agents, at least 10')
const attacks = (cli.attacks?.split(',') ?? (quick ? ['liars', 'badmouthing', 'sybil-whitewash'] : [...ATTACKS])) as Attack[]
const mals = numbers('malicious', cli.malicious ?? (quick ? '0.3' : '0.1,0.3,0.5,0.7'), n => n >= 0 && n < 1, 'a fraction from 0 to below 1, like 0.3')
// --models agentwire: compare variants of the model without rerunning the baselines (not with --write).
const models = (cli.models?.split(',') ?? ['agentwire', 'eigentrust', 'none']) as ModelName[]
for (const m of models) if (!MODEL_NAMES.includes(m)) usageError(`unknown model "${m}": one of ${MODEL_NAMES.join(', ')}`)
const roundsOpt = cli.rounds == null ? undefined : numbers('rounds', cli.rounds, isCount, 'a whole number of rounds')[0]
/** Rounds per run: each honest agent makes one request per round (one simulated hour). 1000 agents get 50: a 50-round agentwire run there takes minutes of one core (oscillation at 50 %: about 2.4), and the cost grows faster than the rounds. */
const roundsFor = (agents: number): number => roundsOpt ?? (quick ? 30 : agents >= 1000 ? 50 : 100)
const SEED = 20260101
const config = defaultReputationConfig()

for (const a of attacks) if (!(ATTACKS as readonly string[]).includes(a)) usageError(`unknown attack "${a}": one of ${ATTACKS.join(', ')}`)

const specs: RunSpec[] = []
for (const agents of agentsList) {
  for (const attack of attacks) {
    for (const malicious of mals) {
      for (const model of models) specs.push({ model, attack, agents, malicious, rounds: roundsFor(agents), seed: SEED, config })
    }
  }
}
const jobs = cli.jobs == null ? availableParallelism() : numbers('jobs', cli.jobs, isCount, 'a whole number of threads')[0]
const partial = cli.attacks != null || cli.malicious != null || cli.rounds != null
if (cli.write === true && quick) usageError('--quick results are not written to docs', 'run without --quick to write docs/reputation.md')
if (cli.write === true && cli.models != null) usageError('--models results are not written to docs', 'run without --models to write docs/reputation.md')
const started = Date.now()
const progress = cli.progress
const rows: Row[] = await runAll(specs, jobs, (row) => {
  if (progress != null) void appendFile(progress, JSON.stringify({ ...row, at: new Date().toISOString() }) + '\n')
  if (!json) process.stderr.write('.')
})
const elapsed = Math.round((Date.now() - started) / 1000)
if (!json) process.stderr.write(`\n${rows.length} runs in ${elapsed} s on ${jobs} threads\n`)

/** Goals from the issue: at most 0.05 at 30% and 0.10 at 50% malicious, false quarantine at most 0.01, never worse than EigenTrust. */
function misses (rows: Row[]): string[] {
  const out: string[] = []
  for (const r of rows.filter(x => x.model === 'agentwire')) {
    const et = rows.find(x => x.model === 'eigentrust' && x.agents === r.agents && x.attack === r.attack && x.malicious === r.malicious)
    const tag = `${r.agents} agents, ${r.attack}, ${Math.round(r.malicious * 100)}%`
    if (r.malicious === 0.3 && r.servedByMalicious > 0.05) out.push(`${tag}: servedByMalicious ${r.servedByMalicious} > 0.05`)
    if (r.malicious === 0.5 && r.servedByMalicious > 0.10) out.push(`${tag}: servedByMalicious ${r.servedByMalicious} > 0.10`)
    if (r.falseQuarantine > 0.01) out.push(`${tag}: falseQuarantine ${r.falseQuarantine} > 0.01`)
    if (et != null && r.servedByMalicious > et.servedByMalicious + 0.005) out.push(`${tag}: worse than EigenTrust (${r.servedByMalicious} vs ${et.servedByMalicious})`)
  }
  return out
}

const missed = misses(rows)
if (json) {
  console.log(JSON.stringify({ rows, missed }, null, 2))
} else {
  console.log(table(rows))
  console.log(missed.length === 0 ? '\nall goals met' : `\ngoals missed in ${missed.length} rows:\n- ${missed.join('\n- ')}`)
}

if (cli.write === true) {
  const docs = fileURLToPath(new URL('../docs/reputation.md', import.meta.url))
  const chart = fileURLToPath(new URL('../docs/reputation-sim.svg', import.meta.url))
  let text = ''
  try { text = await readFile(docs, 'utf8') } catch {}
  // One section per agent count, so a run at one size never erases another size's table.
  for (const agents of agentsList) {
    const mine = rows.filter(r => r.agents === agents)
    const missedHere = misses(mine)
    const section = [
      `<!-- sim:begin agents=${agents} (written by npm run sim:reputation -- --write; do not edit by hand) -->`,
      `Command: \`npm run sim:reputation -- --write${process.argv.slice(2).filter(a => a !== '--write').map(a => ' ' + a).join('')}\` (seed ${SEED}; ${agents} agents × ${roundsFor(agents)} rounds; ${mine.length} runs; the whole command took ${elapsed} s on ${jobs} threads).`,
      ...(partial ? ['', 'A partial run (a subset of attacks, malicious fractions or rounds).'] : []),
      '',
      table(mine),
      '',
      missedHere.length === 0 ? 'All goals met.' : `Goals missed in ${missedHere.length} rows:\n\n- ${missedHere.join('\n- ')}`,
      `<!-- sim:end agents=${agents} -->`
    ].join('\n')
    const re = new RegExp(`<!-- sim:begin agents=${agents}[\\s\\S]*?<!-- sim:end agents=${agents} -->`)
    text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n### ${agents} agents\n\n${section}\n`
  }
  await writeFile(docs, text)
  if (agentsList[0] === 100 && !partial) await writeFile(chart, svg(rows.filter(r => r.agents === 100)) + '\n')
  if (!json) console.error(`wrote ${docs}${agentsList[0] === 100 && !partial ? ` and ${chart}` : ''}`)
} else if (!json) {
  console.error('docs not touched (add --write to record these results in docs/reputation.md)')
}

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
import { fileURLToPath } from 'node:url'
import { ATTACKS, type Attack, type Row, type RunSpec } from './sim/world.ts'
import { runAll } from './sim/pool.ts'
import { table, svg } from './sim/chart.ts'
import { defaultReputationConfig } from '../src/reputation/params.ts'
import type { ModelName } from './sim/models.ts'

const args = process.argv.slice(2)
const flag = (name: string): boolean => args.includes(name)
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined }
const quick = flag('--quick')
const json = flag('--json')
const agentsList = (opt('--agents') ?? (quick ? '60' : '100,1000')).split(',').map(Number)
const attacks = (opt('--attacks')?.split(',') ?? (quick ? ['liars', 'badmouthing', 'sybil-whitewash'] : [...ATTACKS])) as Attack[]
const mals = (opt('--malicious') ?? (quick ? '0.3' : '0.1,0.3,0.5,0.7')).split(',').map(Number)
// --models agentwire: compare variants of the model without rerunning the baselines (not with --write).
const models = (opt('--models')?.split(',') ?? ['agentwire', 'eigentrust', 'none']) as ModelName[]
/** Rounds per run: each honest agent makes one request per round (one simulated hour). 1000 agents get 50: a 50-round agentwire run there takes minutes of one core (oscillation at 50 %: about 2.4), and the cost grows faster than the rounds. */
const roundsFor = (agents: number): number => Number(opt('--rounds') ?? (quick ? 30 : agents >= 1000 ? 50 : 100))
const SEED = 20260101
const config = defaultReputationConfig()

for (const a of attacks) if (!(ATTACKS as readonly string[]).includes(a)) { console.error(`error: unknown attack "${a}"\nhint: one of ${ATTACKS.join(', ')}`); process.exit(2) }

const specs: RunSpec[] = []
for (const agents of agentsList) {
  for (const attack of attacks) {
    for (const malicious of mals) {
      for (const model of models) specs.push({ model, attack, agents, malicious, rounds: roundsFor(agents), seed: SEED, config })
    }
  }
}
const jobs = Number(opt('--jobs') ?? availableParallelism())
const started = Date.now()
const progress = opt('--progress')
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

if (flag('--write')) {
  if (quick) { console.error('error: --quick results are not written to docs\nhint: run without --quick to write docs/reputation.md'); process.exit(2) }
  const docs = fileURLToPath(new URL('../docs/reputation.md', import.meta.url))
  const chart = fileURLToPath(new URL('../docs/reputation-sim.svg', import.meta.url))
  let text = ''
  try { text = await readFile(docs, 'utf8') } catch {}
  if (opt('--models') != null) { console.error('error: --models results are not written to docs\nhint: run without --models to write docs/reputation.md'); process.exit(2) }
  const partial = opt('--attacks') != null || opt('--malicious') != null || opt('--rounds') != null
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

// `npm run fuzz [-- --quick] [--seed N] [--count N] [--time S] [--only a,b] [--json]`: hostile input
// against every handler agentwire owns, through real streams on real nodes. Exits 1 on any finding,
// unhandled rejection or heap growth past the bound; the seed printed replays the run.
import { runFuzz, TARGETS } from './fuzz/harness.ts'

/** Heap growth (after GC) that fails the run, in MB: leaks grow with the case count, noise does not. */
const MAX_HEAP_GROWTH_MB = 64

const argv = process.argv.slice(2)
const flag = (name: string): string | undefined => { const at = argv.indexOf(name); return at >= 0 ? argv[at + 1] : undefined }
const quick = argv.includes('--quick')
const seed = Number(flag('--seed') ?? Math.floor(Math.random() * 2 ** 31))
const count = Number(flag('--count') ?? (quick ? 40 : 1000))
const timeBudgetMs = Number(flag('--time') ?? (quick ? 120 : 1200)) * 1000
const only = flag('--only')?.split(',')
if (!Number.isSafeInteger(seed) || !(count > 0) || !(timeBudgetMs > 0) || (only != null && only.some(o => !TARGETS.some(t => t.name === o)))) {
  process.stderr.write(`usage: npm run fuzz -- [--quick] [--seed N] [--count N] [--time SECONDS] [--only ${TARGETS.map(t => t.name).join(',')}] [--json]\n`)
  process.exit(2)
}

process.stderr.write(`fuzz: seed ${seed}, ${count} cases per target, ${timeBudgetMs / 1000} s budget\n`)
const report = await runFuzz({ seed, count, timeBudgetMs, ...(only != null ? { only } : {}), log: m => process.stderr.write(m + '\n') })
const growth = report.heapAfterMb - report.heapBeforeMb
if (argv.includes('--json')) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
} else {
  process.stdout.write([
    `seed ${report.seed}: ${Object.entries(report.cases).map(([t, n]) => `${t} ${n}`).join(', ')} cases in ${(report.durationMs / 1000).toFixed(1)} s`,
    `refusals counted: ${Object.entries(report.refusals).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`,
    ...Object.entries(report.replies).map(([t, r]) => `${t} answers: ${Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ')}`),
    `attacker disconnected by the guard ${report.disconnects} times`,
    `heap ${report.heapBeforeMb} MB → ${report.heapAfterMb} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB)`,
    `findings: ${report.findings.length}, unhandled rejections: ${report.unhandled.length}`,
    ...report.findings.map(f => `  ${f.caseId}: ${f.what}${f.detail != null ? ` — ${f.detail}` : ''}`),
    ...report.unhandled.map(u => `  unhandled: ${u}`)
  ].join('\n') + '\n')
}
process.exit(report.findings.length > 0 || report.unhandled.length > 0 || growth > MAX_HEAP_GROWTH_MB ? 1 : 0)

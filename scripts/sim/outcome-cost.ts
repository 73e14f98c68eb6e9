// What one recorded call outcome costs the caller's CPU in the reputation model: record it, judge the
// callee (a view), and read the view back — what `ReputationService.rate` does after every finished
// A2A call, without the disk write. Measured for the model in this tree and for the model at git refs
// (default: 8eff01d, before issue 17, and 8b043d8, issue 17 before outcomes were folded into cached
// credibilities), in the same process, interleaved, so the ratios hold on a loaded machine.
//
//   node scripts/sim/outcome-cost.ts [--ref <commit>[,<commit>…]] [--outcomes N]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultReputationConfig, modelParams, quarantineParams } from '../../src/reputation/params.ts'

const args = process.argv.slice(2)
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined }
const refs = (opt('--ref') ?? '8eff01d,8b043d8').split(',')
const OUTCOMES = Number(opt('--outcomes') ?? 2000)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The model's files at `ref`, written to a temporary folder (the model imports only files of its own folder). */
function oldModelDir (ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'outcome-cost-'))
  const files = execFileSync('git', ['ls-tree', '--name-only', ref, 'src/reputation/'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(f => f.endsWith('.ts')).map(f => f.slice('src/reputation/'.length))
  for (const f of files) {
    writeFileSync(join(dir, f), execFileSync('git', ['show', `${ref}:src/reputation/${f}`], { cwd: ROOT }))
  }
  return dir
}

interface Impl { name: string, Model: any, Store: any, Book: any }

async function load (name: string, dir: string): Promise<Impl> {
  const [m, s, q] = await Promise.all([import(join(dir, 'model.ts')), import(join(dir, 'report-store.ts')), import(join(dir, 'quarantine.ts'))])
  return { name, Model: m.ReputationModel, Store: s.ReportStore, Book: q.QuarantineBook }
}

interface Scenario { name: string, reporters: number, reportsEach: number, anchors: number, ownSubjects: number }

// A small fleet (the tests' five nodes), a busy network, and the worst case the store allows about
// one callee (256 reporters), each reporter active on many subjects.
const SCENARIOS: Scenario[] = [
  { name: 'five nodes', reporters: 4, reportsEach: 5, anchors: 4, ownSubjects: 5 },
  { name: '100 reporters × 40 subjects', reporters: 100, reportsEach: 40, anchors: 8, ownSubjects: 64 },
  { name: '256 reporters × 200 subjects', reporters: 256, reportsEach: 200, anchors: 8, ownSubjects: 64 }
]

const config = defaultReputationConfig()
const params = modelParams(config)

/** A caller's model with a populated store, ready to record outcomes about `callee`. */
function build (impl: Impl, sc: Scenario, t0: number): { model: any, callee: string } {
  const store = new impl.Store(1_000_000)
  const anchors = new Set(Array.from({ length: sc.anchors }, (_, i) => `reporter-${i}`))
  const model = new impl.Model('me', params, store, new impl.Book(quarantineParams(config)), (p: string) => anchors.has(p))
  const callee = 'subject-0'
  const subjects = Array.from({ length: Math.max(sc.reportsEach, sc.ownSubjects) * 4 }, (_, i) => `subject-${i}`)
  let seq = 1
  for (let r = 0; r < sc.reporters; r++) {
    for (let k = 0; k < sc.reportsEach; k++) {
      const subject = k === 0 ? callee : subjects[1 + ((r * 7 + k * 13) % (subjects.length - 1))]
      const at = t0 - 3_600_000 + r * 1000 + k
      store.put({ issuer: `reporter-${r}`, subject, positive: 2 + (r % 3), negative: r % 5 === 0 ? 1 : 0, vouch: 0, seq: seq++, issuedAt: at, expiresAt: at + 86_400_000 })
    }
  }
  for (let k = 0; k < sc.ownSubjects; k++) model.record(subjects[k], 'ok', t0 - 1_000_000 + k)
  return { model, callee }
}

/** µs per outcome over `n` outcomes (record + judge + view), 10 ms of simulated time apart. */
function measure (model: any, callee: string, t0: number, n: number): number {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    const now = t0 + i * 10
    model.record(callee, 'ok', now)
    model.judge(callee, now)
    model.view(callee, now)
  }
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

const dirs = refs.map(ref => oldModelDir(ref))
try {
  const impls = [...await Promise.all(refs.map(async (ref, i) => await load(ref, dirs[i]))), await load('now', join(ROOT, 'src/reputation'))]
  console.log(`outcomes per measurement: ${OUTCOMES}; five rounds, interleaved; median µs per outcome (ratio to ${refs[0]})`)
  for (const sc of SCENARIOS) {
    const samples = new Map<string, number[]>(impls.map(i => [i.name, []]))
    for (let round = 0; round < 5; round++) {
      for (const impl of impls) {
        const t0 = Date.now()
        const { model, callee } = build(impl, sc, t0)
        samples.get(impl.name)!.push(measure(model, callee, t0, OUTCOMES))
      }
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    const figures = impls.map(i => med(samples.get(i.name)!))
    console.log(`${sc.name.padEnd(30)} ${impls.map((impl, i) => `${impl.name} ${figures[i].toFixed(1).padStart(8)} µs${i > 0 ? ` (${(figures[i] / figures[0]).toFixed(2)}×)` : ''}`).join('   ')}`)
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

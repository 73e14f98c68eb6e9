// Where a CPU profile's busy time went, by package (node_modules/<pkg>, agentwire's src/<folder>, GC,
// node internals) and by function, optionally only between two timestamps on V8's profiler clock
// (µs, as scripts/idle-profile.ts prints them for each window).
//   node scripts/cpu-profile-summary.ts FILE.cpuprofile [START_US END_US] [--top 25]
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } })
const [file, from, to] = positionals
if (file == null) { process.stderr.write('usage: node scripts/cpu-profile-summary.ts FILE [START_US END_US] [--top N]\n'); process.exit(2) }
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
const start = from != null ? Number(from) : -Infinity
const end = to != null ? Number(to) : Infinity

function pkg (url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const src = url.indexOf('/src/')
  if (src >= 0) return 'agentwire:' + url.slice(src + 5).split('/')[0]
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0]
  return url.replace(/^file:\/\/.*\//, '')
}

const byId = new Map(profile.nodes.map(n => [n.id, n]))
const selfUs = new Map<number, number>()
let t = profile.startTime
let windowUs = 0
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  t += dt
  if (t < start || t > end) return
  windowUs += dt
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt)
})
const byPackage = new Map<string, number>()
const byFunction = new Map<string, number>()
let busy = 0
for (const [id, us] of selfUs) {
  const n = byId.get(id)
  if (n == null) continue
  const p = pkg(n.callFrame.url, n.callFrame.functionName)
  if (p === '(idle)') continue
  busy += us
  byPackage.set(p, (byPackage.get(p) ?? 0) + us)
  const f = `${n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName} ${p}:${n.callFrame.lineNumber + 1}`
  byFunction.set(f, (byFunction.get(f) ?? 0) + us)
}
const top = Number(values.top)
const pct = (us: number): number => Math.round(1000 * us / busy) / 10
const rows = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, pct(v)])
process.stdout.write(JSON.stringify({
  file,
  windowMs: Math.round(windowUs / 1000),
  busyMs: Math.round(busy / 1000),
  byPackagePct: Object.fromEntries(rows(byPackage)),
  byFunctionPct: Object.fromEntries(rows(byFunction))
}, null, 1) + '\n')

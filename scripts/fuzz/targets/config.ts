// The config parser: confused config objects and damaged YAML/JSON files. Every input either loads
// or fails with a ConfigError that names the problem; nothing else may escape.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { validateConfig, loadConfigFile } from '../../../src/config/index.ts'
import { AgentwireError } from '../../../src/errors.ts'
import type { FuzzTarget } from '../context.ts'
import { confuse, junkJson } from '../inputs.ts'
import type { Rng } from '../../lib/rng.ts'

const VALID = {
  name: 'fuzz', dataDir: 'data', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], transports: ['tcp'],
  relay: { server: false, reservations: [] }, dht: { mode: 'auto' }, trust: { policy: 'mutual', autoApprove: [] },
  a2a: { gateway: { listen: null }, maxFrameBytes: 65536 }, audit: { payloads: 'hash' }, metrics: { listen: null },
  log: { level: 'info', format: 'json' }, limits: { maxConnections: 10 }
}

const YAML_NASTIES = [
  'a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d]\ndataDir: x\n',
  'dataDir: !!js/function "function(){}"\n', 'dataDir: x\ndataDir: y\n', '%YAML 9.9\n---\ndataDir: x\n', '---\n...\n---\n', 'dataDir: x\n<<: {listen: 5}\n',
  '\uFEFFdataDir: x\n', 'dataDir: [\n', 'listen: !!binary aGVsbG8=\ndataDir: x\n', '? [a, b]\n: c\ndataDir: x\n', 'dataDir: 0x1F\n', 'limits: {maxConnections: .inf}\ndataDir: x\n'
]

function mutateText (rng: Rng, text: string): string {
  const at = rng.int(text.length + 1)
  switch (rng.int(5)) {
    case 0: return text.slice(0, at)
    case 1: return text.slice(0, at) + String.fromCharCode(rng.int(0x3000)) + text.slice(at + 1)
    case 2: return text.slice(0, at) + rng.pick([':', '- ', '\t', '"', '{', '&x ', '*x', '!!str ', '\n  ']) + text.slice(at)
    case 3: return rng.pick(YAML_NASTIES)
    default: return text.slice(0, at) + text.slice(at + rng.int(40))
  }
}

export const configTarget: FuzzTarget = {
  name: 'config',
  run: async (ctx, rng, count, signal, caseId) => {
    const sample = await readFile(new URL('../../../config/node.yaml', import.meta.url), 'utf8')
    let i = 0
    for (; i < count && !signal.aborted; i++) {
      const r = rng.fork(i)
      const raw = r.bool(0.2) ? junkJson(r) : confuse(r, r.bool(0.3) ? confuse(r, VALID) : VALID)
      try {
        validateConfig(raw, ctx.tmpDir)
      } catch (err: any) {
        if (!(err instanceof AgentwireError)) ctx.finding({ caseId: caseId(i), what: 'validateConfig threw a non-agentwire error', detail: `${err.name}: ${err.message}`.slice(0, 300) })
      }
      const json = r.bool(0.3)
      const file = join(ctx.tmpDir, json ? 'fuzz.json' : 'fuzz.yaml')
      await writeFile(file, json ? mutateText(r, JSON.stringify(VALID)) : mutateText(r, sample))
      try {
        await loadConfigFile(file)
      } catch (err: any) {
        if (!(err instanceof AgentwireError)) ctx.finding({ caseId: caseId(i), what: 'loadConfigFile threw a non-agentwire error', detail: `${err.name}: ${err.message}`.slice(0, 300) })
      }
    }
    return i
  }
}

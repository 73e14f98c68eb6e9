// `agentwire start` until its ready line, as an operator runs it (a fresh process with an existing
// data directory), next to `node -e 0`. The very first start, which creates the key, is a detail, and
// so is the same daemon run from its TypeScript sources (type stripping), which the build replaced.
import type { Figure } from '../lib/figure.ts'
import { timeRun, writeDaemonConfig, startDaemon, SOURCE_CLI } from '../lib/process.ts'
import { median, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'cold-start',
  unit: 'ms',
  baseline: 'node -e 0',
  goal: '< 1000 ms',
  met: r => r.value < 1000,
  run: async (ctx) => {
    const runs = ctx.quick ? 4 : 10
    const { configPath } = await writeDaemonConfig()
    const first = await startDaemon(configPath)
    await first.child.stop()
    const starts: number[] = []
    const fromSource: number[] = []
    const bare: number[] = []
    for (let i = 0; i < runs && !ctx.signal.aborted; i++) {
      bare.push(await timeRun(['-e', '0']))
      const daemon = await startDaemon(configPath)
      starts.push(daemon.readyMs)
      await daemon.child.stop()
      const stripped = await startDaemon(configPath, 30_000, {}, SOURCE_CLI)
      fromSource.push(stripped.readyMs)
      await stripped.child.stop()
    }
    ctx.log(`start→ready ${starts.map(v => round(v)).join(', ')} ms compiled; ${fromSource.map(v => round(v)).join(', ')} ms from sources; node -e 0 ${bare.map(v => round(v)).join(', ')} ms`)
    return {
      value: median(starts),
      baselineValue: median(bare),
      details: { firstStartMs: round(first.readyMs), runs: starts.length, fromSourceMs: round(median(fromSource)), command: 'node_modules/.bin/node dist/cli/agentwire.js start --config FILE' }
    }
  }
}

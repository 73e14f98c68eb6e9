// `agentwire info` against a running daemon, as a user runs it: a fresh process each time, from
// spawn to exit, next to `node -e 0`. The `--data-dir` form (no config file to load) is a detail.
import type { Figure } from '../lib/figure.ts'
import { CLI, timeRun, writeDaemonConfig, startDaemon } from '../lib/process.ts'
import { median, round } from '../lib/stats.ts'

export const figure: Figure = {
  name: 'cli-roundtrip',
  unit: 'ms',
  baseline: 'node -e 0',
  goal: '< 150 ms',
  met: r => r.value < 150,
  run: async (ctx) => {
    const runs = ctx.quick ? 6 : 20
    const { configPath } = await writeDaemonConfig()
    const daemon = await startDaemon(configPath)
    const info: number[] = []
    const infoDataDir: number[] = []
    const bare: number[] = []
    try {
      // One untimed call so the daemon's handler path is warm, as it is for a user.
      await timeRun([CLI, 'info', '--config', configPath])
      for (let i = 0; i < runs && !ctx.signal.aborted; i++) {
        bare.push(await timeRun(['-e', '0']))
        info.push(await timeRun([CLI, 'info', '--config', configPath]))
        infoDataDir.push(await timeRun([CLI, 'info', '--data-dir', daemon.ready.dataDir]))
      }
    } finally {
      await daemon.child.stop()
    }
    ctx.log(`info --config p50 ${round(median(info))} ms, --data-dir p50 ${round(median(infoDataDir))} ms, node -e 0 p50 ${round(median(bare))} ms`)
    return {
      value: median(info),
      baselineValue: median(bare),
      details: { dataDirFormMs: round(median(infoDataDir)), runs: info.length }
    }
  }
}

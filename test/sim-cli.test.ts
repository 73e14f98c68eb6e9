// The reputation simulation's command line: a mistyped or unknown flag must stop at once with what was
// wrong, not fall through to the default full run (100 and 1000 agents, hours of CPU on every core).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'

interface Run { code: number | null, stdout: string, stderr: string }

function sim (...args: string[]): Promise<Run> {
  return new Promise(resolve => {
    // 30 s is far more than parsing needs and far less than any run: a child still running then is killed and fails the test.
    execFile(process.execPath, ['scripts/sim-reputation.ts', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err == null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr })
    })
  })
}

test('--help prints the usage and runs nothing', async () => {
  const r = await sim('--help')
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^usage: node scripts\/sim-reputation\.ts /)
})

test('an unknown flag, or a value out of range, stops with exit 2 and says what was wrong', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--malicious', '1.5'], /--malicious 1\.5: each value must be a fraction/],
    [['--agents', 'many'], /--agents many: each value must be a whole number of agents/],
    [['--models', 'pagerank'], /unknown model "pagerank"/],
    [['--attacks', 'nope'], /unknown attack "nope"/],
    [['--quick', '--write'], /--quick results are not written to docs/]
  ]
  for (const [args, message] of cases) {
    const r = await sim(...args)
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${String(r.code)}\n${r.stderr}`)
    assert.match(r.stderr, message, args.join(' '))
    assert.match(r.stderr, /hint: /, args.join(' '))
  }
})

#!/usr/bin/env node
// The `agentwire` command. Plain JavaScript on purpose: an old Node must get far enough to say what
// is wrong instead of failing on TypeScript syntax.
const major = Number(process.versions.node.split('.')[0])
if (major < 22 || process.features?.typescript == null || process.features.typescript === false) {
  process.stderr.write(
    `error: agentwire needs Node.js 22.18 or newer (it runs its TypeScript directly); this is Node ${process.version}\n` +
    'hint: run it through npm, which uses the Node 24 that `npm ci` put in node_modules/.bin (`npx agentwire …`, `npm start`), or install Node 22.18+\n')
  process.exit(1)
}
const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1'
if (process.argv[2] === 'start' && !process.execArgv.includes(SMALL_YOUNG_GENERATION) && typeof process.execve === 'function') {
  // A long-running daemon does not need V8's large young generation, whose pages stay resident once
  // module loading has grown it: small semi-spaces cut idle memory by ~20 MB (bench: idle-rss). The
  // flag only works at process start, so replace this process (same PID, no wrapper) with one that has it.
  process.execve(process.execPath, [process.execPath, ...process.execArgv, SMALL_YOUNG_GENERATION, ...process.argv.slice(1)], process.env)
}
await import('./main.ts')

#!/usr/bin/env node
// The `agentwire` command. It must run far enough on an old Node to say what is wrong, so it checks
// the version before importing anything that needs a newer one (main is imported dynamically).
const MIN_NODE_MAJOR = 22
const major = Number(process.versions.node.split('.')[0])
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(
    `error: agentwire needs Node.js ${MIN_NODE_MAJOR} or newer (libp2p 3 does); this is Node ${process.version}\n` +
    'hint: install Node 22 or newer; in a checkout, run it through npm, which uses the Node 24 that `npm ci` put in node_modules/.bin (`npx agentwire …`, `npm start`)\n')
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

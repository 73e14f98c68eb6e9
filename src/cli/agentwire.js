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
await import('./main.ts')

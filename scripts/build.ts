// `npm run build`: compile src/ to dist/ from scratch (a stale file from a deleted module must not
// ship), then make the CLI executable, since npm links `bin` to it as is in a checkout.
import { rmSync, chmodSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true })
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
chmodSync(new URL('../dist/cli/agentwire.js', import.meta.url), 0o755)

// Lets a bench process try proposed settings without touching src/: imports of a library from
// src/ are redirected to a wrapper that applies the proposal, exactly as if it were written into
// src/node/libp2p.ts. $BENCH_YAMUX (JSON options merged over the caller's) redirects
// '@chainsafe/libp2p-yamux'; $BENCH_NOISE=fast redirects '@chainsafe/libp2p-noise' to use
// noise-crypto.ts.
import { registerHooks } from 'node:module'

const WRAPPERS: Record<string, { env: string, url: string }> = {
  '@chainsafe/libp2p-yamux': { env: 'BENCH_YAMUX', url: new URL('./yamux-wrapper.ts', import.meta.url).href },
  '@chainsafe/libp2p-noise': { env: 'BENCH_NOISE', url: new URL('./noise-wrapper.ts', import.meta.url).href }
}

/** Returns which libraries were redirected. */
export function installOverrides (): string[] {
  const active = Object.entries(WRAPPERS).filter(([, w]) => (process.env[w.env] ?? '') !== '')
  if (active.length === 0) return []
  const byName = new Map(active)
  const wrapperUrls = new Set(active.map(([, w]) => w.url))
  registerHooks({
    resolve (specifier, context, next) {
      const wrapper = byName.get(specifier)
      // The wrappers themselves (and noise-crypto.ts beside them) import the real library.
      if (wrapper != null && !wrapperUrls.has(context.parentURL ?? '') && !(context.parentURL ?? '').endsWith('/noise-crypto.ts')) {
        return { url: wrapper.url, shortCircuit: true }
      }
      return next(specifier, context)
    }
  })
  return active.map(([name]) => name)
}

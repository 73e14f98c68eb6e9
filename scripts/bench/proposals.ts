// Settings the bench measures next to the stock stack, in the same run, so the case for changing
// src/ carries its own numbers. When src/ adopts one, the "stock" and "proposed" figures meet.

/**
 * yamux options proposed for src/node/libp2p.ts (`yamux(PROPOSED_YAMUX)`). The initial window stays
 * at or below the 4 MiB default maxReadBufferLength: a larger one lets a fast sender overflow the
 * receiver's buffer while the protocol is still being negotiated, and the stream is reset.
 */
export const PROPOSED_YAMUX = {
  maxMessageSize: 256 * 1024,
  streamOptions: {
    initialStreamWindowSize: 1024 * 1024,
    maxStreamWindowSize: 16 * 1024 * 1024
  }
}

/** Environment that makes a bench peer apply every proposal (see peers/module-override.ts). */
export const PROPOSED_ENV = {
  BENCH_YAMUX: JSON.stringify(PROPOSED_YAMUX),
  // noise({ crypto: fastNoiseCrypto }) with peers/noise-crypto.ts
  BENCH_NOISE: 'fast'
}

/**
 * Environment proposed for the daemon process: V8's young generation otherwise grows to 16 MiB
 * semi-spaces while modules load and keeps those pages resident. bin/agentwire.js could apply it by
 * re-spawning `start` with this flag, or `npm start` / the service unit could set it.
 */
export const PROPOSED_DAEMON_ENV = { NODE_OPTIONS: '--max-semi-space-size=1' }

// See module-override.ts: the real noise factory, with the proposed crypto unless the caller chose one.
import { noise as realNoise, type NoiseInit } from '@chainsafe/libp2p-noise'
import { fastNoiseCrypto } from './noise-crypto.ts'

export * from '@chainsafe/libp2p-noise'

export function noise (init: NoiseInit = {}): ReturnType<typeof realNoise> {
  return realNoise({ crypto: fastNoiseCrypto, ...init })
}

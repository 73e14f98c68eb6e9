// See module-override.ts: the real yamux factory with $BENCH_YAMUX merged over the caller's options.
import { yamux as realYamux, type YamuxMuxerInit } from '@chainsafe/libp2p-yamux'

const override = JSON.parse(process.env.BENCH_YAMUX ?? '{}')

export function yamux (init: YamuxMuxerInit = {}): ReturnType<typeof realYamux> {
  return realYamux({ ...init, ...override, streamOptions: { ...init.streamOptions, ...override.streamOptions } })
}
export { GoAwayCode } from '@chainsafe/libp2p-yamux'

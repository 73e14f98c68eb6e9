// One ping over a given connection: libp2p's ping protocol (32 random bytes echoed back), but on the
// connection the dialler chose instead of "a connection to this peer". @libp2p/ping's ping(peerId)
// goes through the connection manager, which never reuses a connection that carries relay limits:
// on every relayed connection it dialled a second circuit through the relay, which libp2p then
// aborted as a duplicate. Each user ping cost the NATed peer two inbound connections, and with its
// per-host rate (all relayed peers count as the relay's IP) the NAT lab's relayed pings were refused.
import type { Connection } from '@libp2p/interface'
import { byteStream } from '@libp2p/utils'
import { PING_PROTOCOL } from '../node/constants.ts'

/** Bytes in a ping (libp2p's ping protocol: the peer echoes exactly these back). */
const PING_LENGTH = 32

/** Round-trip time of one ping on `conn`, in ms; throws when the echo is wrong, the stream fails or `signal` aborts. */
export async function pingOver (conn: Connection, signal: AbortSignal): Promise<number> {
  const stream = await conn.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    const bytes = byteStream(stream)
    const data = crypto.getRandomValues(new Uint8Array(PING_LENGTH))
    const start = performance.now()
    const [, echo] = await Promise.all([bytes.write(data, { signal }), bytes.read({ bytes: PING_LENGTH, signal })])
    const rtt = performance.now() - start
    const got = echo.subarray()
    if (got.length !== PING_LENGTH || got.some((b, i) => b !== data[i])) throw new Error(`wrong ping echo from ${conn.remotePeer.toString()}`)
    await stream.close({ signal })
    return rtt
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

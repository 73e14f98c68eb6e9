// NAT traversal beyond relay + DCUtR (config `nat`): the WebRTC transport, with which two NATed
// nodes punch a direct path (ICE, with STUN-discovered candidates, the SDP carried over the relayed
// connection), and UPnP IGD port mapping on the home router. WebRTC is a native module
// (node-datachannel) and UPnP talks to the router, so each loads only when the config asks.
import { WebRTC } from '@multiformats/multiaddr-matcher'
import type { Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { uPnPNAT as UPnPNATFactory } from '@libp2p/upnp-nat'
import { AgentwireError } from '../errors.ts'
import { codeOf } from '../caught.ts'
import { withComponentMethod } from './libp2p-internals.ts'
import type { AgentwireConfig } from '../config/index.ts'
import { WEBRTC_DIAL_TIMEOUT_MS, WEBRTC_RETRY_AFTER_MS } from './constants.ts'

/** What the NAT config adds to the libp2p stack. */
export interface NatParts {
  transports: Array<(components: WebRTCComponents) => Transport>
  /** Extra listen addresses: `/webrtc` makes the node accept WebRTC through each of its relays. */
  listen: string[]
  services: { upnp?: ReturnType<typeof UPnPNATFactory> }
}

/** What the WebRTC transport factory is given (the package does not export the type by name). */
type WebRTCComponents = Parameters<ReturnType<(typeof import('@libp2p/webrtc'))['webRTC']>>[0]

/**
 * @libp2p/webrtc is an optional peer dependency: it brings a native module (node-datachannel) and a
 * large install, which a node that never punches NAT-to-NAT should not pay for.
 */
async function importWebRTC (): Promise<typeof import('@libp2p/webrtc')> {
  try {
    return await import('@libp2p/webrtc')
  } catch (err) {
    if (codeOf(err) !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new AgentwireError('NAT_WEBRTC_MISSING', 'nat.webrtc is on, but the optional package @libp2p/webrtc is not installed',
      'install it beside agentwire (`npm i @libp2p/webrtc@^6`, or `npm i -g @libp2p/webrtc@^6` for a global agentwire), or set nat.webrtc: false')
  }
}

export async function natParts (config: AgentwireConfig): Promise<NatParts> {
  const parts: NatParts = { transports: [], listen: [], services: {} }
  if (config.nat.webrtc) {
    const { webRTC } = await importWebRTC()
    parts.transports.push(boundedDials(webRTC({
      // Always an explicit list: left unset, @libp2p/webrtc falls back to public STUN servers
      // (Google, Twilio, Cloudflare, Mozilla) — traffic to third parties nobody configured.
      rtcConfiguration: { iceServers: config.nat.stun.map(urls => ({ urls })) }
    })))
    parts.listen.push('/webrtc')
  }
  if (config.nat.upnp) {
    const { uPnPNAT } = await import('@libp2p/upnp-nat')
    parts.services.upnp = uPnPNAT({
      portMappingDescription: 'agentwire',
      // The router itself reports the mapping, and @libp2p/upnp-nat refuses a private external IP
      // (double NAT). Left to AutoNAT, the address stayed unverified in the NAT lab (it needs
      // dial-backs from several networks) and so was never advertised: nobody could use it.
      autoConfirmAddress: true
    })
  }
  return parts
}

/** The destination PeerId of a `/p2p-circuit/webrtc/p2p/<peer>` address (its last /p2p). */
function destination (ma: { getComponents: () => Array<{ name: string, value?: string }> }): string {
  return ma.getComponents().filter(c => c.name === 'p2p').at(-1)?.value ?? ''
}

/**
 * libp2p dials a peer's addresses one after another, WebRTC ones before relayed ones, each with up
 * to 6 s. A WebRTC dial that cannot succeed (symmetric NATs, no STUN) used up the whole dial
 * timeout and the relayed address was never tried: with WebRTC on, a peer reachable through the
 * relay became unreachable (seen in the NAT lab with `stun: []`). Each WebRTC dial gets its own
 * short deadline, and after a failed one the peer's other WebRTC addresses fail at once for a while.
 */
function boundedDials<C> (factory: (components: C) => Transport): (components: C) => Transport {
  return (components) => {
    const transport = factory(components)
    const failedAt = new Map<string, number>()
    return new Proxy(transport, {
      get (target, prop) {
        const member: unknown = Reflect.get(target, prop)
        if (prop !== 'dial') return typeof member === 'function' ? member.bind(target) : member
        const dial: Transport['dial'] = async (ma, options) => {
          const peer = destination(ma)
          const last = failedAt.get(peer)
          if (last != null && Date.now() - last < WEBRTC_RETRY_AFTER_MS) {
            throw Object.assign(new Error(`WebRTC to ${peer} failed ${Date.now() - last} ms ago; using the relay`), { name: 'WebRTCUnavailableError' })
          }
          const deadline = AbortSignal.timeout(WEBRTC_DIAL_TIMEOUT_MS)
          const signal = options.signal != null ? AbortSignal.any([options.signal, deadline]) : deadline
          try {
            const conn = await target.dial(ma, { ...options, signal })
            failedAt.delete(peer)
            return conn
          } catch (err) {
            // Only our deadline or ICE itself counts against the peer, not the caller giving up.
            if (options.signal?.aborted !== true) failedAt.set(peer, Date.now())
            throw err
          }
        }
        return dial
      }
    })
  }
}

/**
 * DCUtR must leave /webrtc addresses alone. @libp2p/dcutr 3.0.28 treats any address that is not
 * `/p2p-circuit` as a direct one, and `<relay>/p2p-circuit/webrtc/p2p/<peer>` is not: the inbound
 * side of every relayed connection started its own WebRTC dial back ("unilateral upgrade") while
 * the caller's WebRTC dial was running, the two ICE sessions crossed, and half-open WebRTC
 * connections that carried nothing were left behind (calls and pings on them failed; seen in the
 * NAT lab, 11/20 direct). The caller's own dial is the only WebRTC attempt now; DCUtR still
 * upgrades to TCP/QUIC where it can.
 */
export function withoutWebRTC<C extends { transportManager: unknown }, S> (factory: (components: C) => S): (components: C) => S {
  return withComponentMethod(factory, 'transportManager', 'dialTransportForMultiaddr', original =>
    (ma: Multiaddr) => WebRTC.matches(ma) ? undefined : original(ma))
}

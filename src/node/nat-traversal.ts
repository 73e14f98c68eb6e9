// NAT traversal beyond relay + DCUtR (config `nat`): the WebRTC transport, with which two NATed
// nodes punch a direct path (ICE, with STUN-discovered candidates, the SDP carried over the relayed
// connection), and UPnP IGD / NAT-PMP port mapping on the home router. Both are native or
// network-touching, so both load only when the config asks for them.
import type { AgentwireConfig } from '../config/index.ts'

/** What the NAT config adds to the libp2p stack. */
export interface NatParts {
  transports: any[]
  /** Extra listen addresses: `/webrtc` makes the node accept WebRTC through each of its relays. */
  listen: string[]
  services: Record<string, any>
}

export async function natParts (config: AgentwireConfig): Promise<NatParts> {
  const parts: NatParts = { transports: [], listen: [], services: {} }
  if (config.nat.webrtc) {
    const { webRTC } = await import('@libp2p/webrtc')
    parts.transports.push(webRTC({
      // Always an explicit list: left unset, @libp2p/webrtc falls back to public STUN servers
      // (Google, Twilio, Cloudflare, Mozilla) — traffic to third parties nobody configured.
      rtcConfiguration: { iceServers: config.nat.stun.map(urls => ({ urls })) }
    }))
    parts.listen.push('/webrtc')
  }
  if (config.nat.upnp) {
    const { uPnPNAT } = await import('@libp2p/upnp-nat')
    parts.services.upnp = uPnPNAT({ portMappingDescription: 'agentwire' })
  }
  return parts
}

// Which "address" a remote counts as when a limit is per address: the IP of a direct connection
// (an IPv6 host's whole /64, which one machine commonly holds), or the relay of a relayed one (its
// peers share it, as peers behind one NAT share an IP).
import type { Multiaddr } from '@multiformats/multiaddr'

export function addressKey (addr: Multiaddr): string {
  const components = addr.getComponents()
  const circuit = components.findIndex(c => c.name === 'p2p-circuit')
  if (circuit >= 0) return `relay:${components.slice(0, circuit).findLast(c => c.name === 'p2p')?.value ?? 'unknown'}`
  const host = components.find(c => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))
  if (host?.name === 'ip6' && host.value != null) return `${expandIp6(host.value).slice(0, 4).join(':')}::/64`
  return host?.value ?? addr.toString()
}

function expandIp6 (ip: string): string[] {
  const [head, tail = ''] = ip.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const fill = ip.includes('::') ? new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0') : []
  return [...left, ...fill, ...right].map(h => h.replace(/^0+(?=.)/, '').toLowerCase())
}

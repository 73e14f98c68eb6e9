// Names anchored in a domain: whoever controls DNS for `research.example.com` names its agent's
// PeerId in a TXT record at `_agentwire.research.example.com`, in the forms libp2p's dnsaddr and
// IPFS's DNSLink already use ("dnsaddr=/ip4/…/p2p/<PeerId>", "dnslink=/p2p/<PeerId>"). Such a name
// is as hard to squat as the domain, and beats any DHT claim.
import { Resolver } from 'node:dns/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DNS_PROOF_LABEL } from './constants.ts'
import { NameDnsUnavailableError, NameProofInvalidError } from './errors.ts'
import { codeOf, messageOf } from '../caught.ts'

export interface DnsProofInit {
  /** DNS servers ("IP" or "IP:PORT"); empty uses the system's resolvers. @default [] */
  servers?: string[]
  /** Longest one DNS query may take, in ms. @default 5000 */
  timeoutMs?: number
}

export interface DnsProof {
  peerId: string
  /** The TXT record(s) that named it, as published. */
  records: string[]
}

/** Names that could be domains: at least two labels, each a DNS label. */
export function isDomainName (name: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(name)
}

/** The PeerId in one TXT string, undefined when the string is not ours, or an error naming what is wrong. */
function peerIdInTxt (txt: string): string | undefined {
  let addr: string
  if (txt.startsWith('dnslink=')) addr = txt.slice('dnslink='.length)
  else if (txt.startsWith('dnsaddr=')) addr = txt.slice('dnsaddr='.length)
  else return undefined
  let id: string | undefined
  try {
    id = multiaddr(addr).getComponents().findLast(c => c.name === 'p2p')?.value
  } catch (err) {
    throw new Error(`"${txt}" is not a multiaddr (${messageOf(err)})`)
  }
  if (id == null) throw new Error(`"${txt}" names no /p2p/<PeerId>`)
  try {
    if (peerIdFromString(id).publicKey == null) throw new Error('no public key')
  } catch {
    throw new Error(`"${txt}" carries "${id}", which is not an Ed25519 PeerId`)
  }
  return id
}

export class DnsProofChecker {
  private readonly resolver: Resolver

  constructor (init: DnsProofInit = {}) {
    this.resolver = new Resolver({ timeout: init.timeoutMs ?? 5000, tries: 1 })
    if (init.servers != null && init.servers.length > 0) this.resolver.setServers(init.servers)
  }

  /**
   * The PeerId the domain names, or undefined when it publishes no proof (no such name, no TXT, or
   * no TXT of ours). Throws NameProofInvalidError when a proof is there but wrong, and
   * NameDnsUnavailableError when DNS does not answer.
   */
  async check (name: string): Promise<DnsProof | undefined> {
    let txts: string[][]
    try {
      txts = await this.resolver.resolveTxt(`${DNS_PROOF_LABEL}.${name}`)
    } catch (err) {
      const code = codeOf(err)
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return undefined
      throw new NameDnsUnavailableError(name, `${code ?? 'error'} from DNS (${messageOf(err)})`)
    }
    const records = txts.map(chunks => chunks.join(''))
    const found = new Map<string, string[]>()
    for (const txt of records) {
      let id: string | undefined
      try {
        id = peerIdInTxt(txt)
      } catch (err) {
        throw new NameProofInvalidError(name, messageOf(err))
      }
      if (id != null) found.set(id, [...(found.get(id) ?? []), txt])
    }
    if (found.size === 0) return undefined
    if (found.size > 1) throw new NameProofInvalidError(name, `${DNS_PROOF_LABEL}.${name} names ${found.size} different PeerIds (${[...found.keys()].join(', ')}); a domain must name one`)
    const [[peerId, proof]] = [...found]
    return { peerId, records: proof }
  }
}

// What a user may type where a peer is expected: a PeerId, a multiaddr, or a name.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import { NAME_PATTERN } from '../config/index.ts'
import { InvalidTargetError } from './errors.ts'
import { messageOf } from '../caught.ts'
import { normalizeName } from '../naming/normalize.ts'

export type Target =
  | { kind: 'peerId', text: string, peerId: PeerId }
  | { kind: 'multiaddr', text: string, addr: Multiaddr, peerId?: PeerId }
  | { kind: 'name', text: string, name: string }

const PEER_ID_PATTERN = /^(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]+$/

export function parseTarget (text: string): Target {
  const trimmed = text.trim()
  if (trimmed.startsWith('/')) {
    let addr: Multiaddr
    try {
      addr = multiaddr(trimmed)
    } catch (err) {
      throw new InvalidTargetError(text, `bad multiaddr (${messageOf(err)})`)
    }
    const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
    return { kind: 'multiaddr', text: trimmed, addr, ...(id != null ? { peerId: peerIdFromString(id) } : {}) }
  }
  if (PEER_ID_PATTERN.test(trimmed)) {
    try {
      return { kind: 'peerId', text: trimmed, peerId: peerIdFromString(trimmed) }
    } catch (err) {
      throw new InvalidTargetError(text, `looks like a PeerId but does not decode (${messageOf(err)})`)
    }
  }
  if (NAME_PATTERN.test(trimmed)) return { kind: 'name', text: trimmed, name: trimmed }
  // Mixed case, another script, or a length out of bounds: one canonical spelling, or a reason.
  const normal = normalizeName(trimmed)
  if ('name' in normal) return { kind: 'name', text: trimmed, name: normal.name }
  throw new InvalidTargetError(text, `neither a PeerId, a multiaddr, nor a valid name (${normal.error})`)
}

// Signed AgentCards: the node signs its card with its own Ed25519 key (JWS, EdDSA, kid = PeerId),
// and a caller trusts a card only if the signature verifies with the key inside the PeerId it dialled.
import { AgentCard, generateAgentCardSignature, verifyAgentCardSignature } from '@a2a-js/sdk'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { importJWK } from 'jose'
import { toString } from 'uint8arrays'
import { A2A_LIBP2P_BINDING, A2A_VERSION } from './constants.ts'
import { CardVerificationError } from './errors.ts'
import { messageOf } from '../caught.ts'

/** A card as it travels: protojson (camelCase keys), as in `/.well-known/agent-card.json`. */
export type CardJson = Record<string, unknown>

/** The card's `supportedInterfaces` entries that are objects (a card from elsewhere may hold anything there). */
function interfacesOf (card: CardJson): Array<Record<string, unknown>> {
  const list = card.supportedInterfaces
  return Array.isArray(list) ? list.filter((i): i is Record<string, unknown> => typeof i === 'object' && i != null) : []
}

function jwkOf (key: PrivateKey): { kty: 'OKP', crv: 'Ed25519', x: string, d: string } {
  // libp2p keeps Ed25519 private keys as seed || public key.
  return { kty: 'OKP', crv: 'Ed25519', d: toString(key.raw.subarray(0, 32), 'base64url'), x: toString(key.publicKey.raw, 'base64url') }
}

/** Put this binding first among the card's interfaces, with `/p2p/<PeerId>` as its url. */
export function withLibp2pInterface (card: CardJson, peerId: string): CardJson {
  const others = interfacesOf(card).filter(i => i.protocolBinding !== A2A_LIBP2P_BINDING)
  return { ...card, supportedInterfaces: [{ url: `/p2p/${peerId}`, protocolBinding: A2A_LIBP2P_BINDING, protocolVersion: A2A_VERSION }, ...others] }
}

/**
 * The card of an agent we front, fit to publish: its own endpoints are local (`a2a.upstream`,
 * usually http://127.0.0.1:…), reachable only through us, so they are dropped, not advertised.
 */
export function withoutLocalEndpoints (card: CardJson): CardJson {
  const { url: _url, additionalInterfaces: _more, preferredTransport: _preferred, ...rest } = card
  return { ...rest, supportedInterfaces: interfacesOf(card).filter(i => i.protocolBinding === A2A_LIBP2P_BINDING) }
}

export async function signCard (card: CardJson, key: PrivateKey, peerId: string): Promise<CardJson> {
  const unsigned = AgentCard.fromJSON({ ...card, signatures: [] })
  const jwk = await importJWK(jwkOf(key), 'EdDSA')
  const signed = await generateAgentCardSignature(jwk, { alg: 'EdDSA', typ: 'JOSE', kid: peerId })(unsigned)
  return AgentCard.toJSON(signed) as CardJson
}

/** Verify that `card` is signed by `peerId`'s key; throws CardVerificationError otherwise. */
export async function verifyCard (card: CardJson, peerId: string): Promise<void> {
  const publicKey = peerIdFromString(peerId).publicKey
  if (publicKey == null) throw new CardVerificationError(peerId, 'the PeerId carries no public key')
  const jwk = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: toString(publicKey.raw, 'base64url') }, 'EdDSA')
  const verify = verifyAgentCardSignature(async (kid) => {
    if (kid !== peerId) throw new Error(`signed by ${kid}, not by ${peerId}`)
    return jwk
  })
  // The SDK logs each failed signature entry at debug level; keep that out of our output.
  const debug = console.debug
  console.debug = () => {}
  try {
    await verify(AgentCard.fromJSON(card))
  } catch (err) {
    throw new CardVerificationError(peerId, messageOf(err))
  } finally {
    console.debug = debug
  }
}

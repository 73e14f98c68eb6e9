// The signed bytes and wire format of all four record kinds are pinned: these fixtures were made by
// the code before the shared signing helper (src/crypto), so old and new nodes accept each other's
// records. Ed25519 signatures are deterministic, so re-signing the same fields must give the same
// signature byte for byte.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { recordBytes, signRecord, verifyRecord } from '../src/crypto/index.ts'
import { verifyHandshake } from '../src/trust/messages.ts'
import { HANDSHAKE_SIGNING_CONTEXT } from '../src/trust/constants.ts'
import { verifyEnvelope } from '../src/a2a/envelope.ts'
import { ENVELOPE_SIGNING_CONTEXT } from '../src/a2a/constants.ts'
import { signReport, encodeReport, decodeReport } from '../src/reputation/report.ts'
import { signClaim, verifyClaim } from '../src/naming/name-record.ts'

const ME = '12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7'
const YOU = '12D3KooWSrKnMZUcSxK8G7wmBbXdU8nFEfWGhLu6H8xjn8LmCSJb'
// Made with the pre-helper code: signReport, signClaim, signHandshake, signEnvelope.
const REPORT = { issuer: ME, subject: YOU, positive: 3.25, negative: 0.5, vouch: 0, seq: 7, issuedAt: 1764300000000, expiresAt: 1764386400000, sig: 'pMgq0zoLu7QhLQHroV4PKnAiqOHwlhnGfj9QiXJpSZ3DtumMgAsTXaTJQswGtfW78VmjLCilnlaWB1fpbO2jAA' }
const CLAIM = { name: 'research-agent', peerId: ME, seq: 3, expiresAt: 1764386400000, sig: 'qtt2hfp8ZXiOmswM8oYmI1NnbDkOcr57ebILFnTxy6v6GgzF45ftrF0ebmujtPTAaHfQI-yEfmbpG72XUH14Dg' }
const HANDSHAKE = { body: { kind: 'request' as const, from: ME, to: YOU, reason: 'fixture', nonce: 'bc785fae33cbe7405825cbb1d6de7698', ts: 1795852507496 }, sig: '2tsZVuBDsIbfbiHFhKJgG13DgbG26GyvyQ0RKFLNCRMiyM8w2g3CMFhzDnNJLVx8SCp7I1-SHV9rBcve2vTmBA' }
const ENVELOPE_BODY = '{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{}}'
const ENVELOPE = { from: ME, to: YOU, nonce: '5022189590c5298d5214385b51d94e75', ts: 1795852507496, bodyHash: '8280b380314b11820883977af718056f5b02c224fa3daf9a3cc9d6d72af166c0', sig: '7PeuCmNi-bPQYGBA6cBlmssci2wmeE2mjtGVeJBbKzU89HmLcQBA09kn6x4Aca-YbmNFTYXegdn0N3FUBwh9AA' }

const key = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(7))
const otherKey = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(9))

test('the fixture keys are the PeerIds the fixtures name', () => {
  assert.equal(peerIdFromPrivateKey(key).toString(), ME)
  assert.equal(peerIdFromPrivateKey(otherKey).toString(), YOU)
})

test('a trust report signs to the same bytes and is accepted as before', async () => {
  const { sig, ...body } = REPORT
  assert.deepEqual(await signReport(key, body), REPORT)
  assert.deepEqual(await decodeReport(encodeReport(REPORT), REPORT.issuedAt + 1000), REPORT)
})

test('a name claim signs to the same bytes and is accepted as before', async () => {
  const { sig, ...record } = CLAIM
  assert.deepEqual(await signClaim(key, record), CLAIM)
  assert.deepEqual(await verifyClaim(CLAIM, CLAIM.expiresAt - 60_000), CLAIM)
})

test('a handshake message signs to the same bytes and is accepted as before', async () => {
  const b = HANDSHAKE.body
  assert.equal(await signRecord(key, HANDSHAKE_SIGNING_CONTEXT, [b.kind, b.from, b.to, b.reason, b.nonce, b.ts]), HANDSHAKE.sig)
  assert.deepEqual(await verifyHandshake(HANDSHAKE), HANDSHAKE.body)
})

test('an A2A envelope signs to the same bytes and is accepted as before', async () => {
  const e = ENVELOPE
  assert.equal(await signRecord(key, ENVELOPE_SIGNING_CONTEXT, [e.from, e.to, e.nonce, e.ts, e.bodyHash]), e.sig)
  assert.deepEqual(await verifyEnvelope(ENVELOPE, ENVELOPE_BODY, ME, YOU), ENVELOPE)
})

test('the signed bytes are the context, then the JSON array of the fields', () => {
  assert.equal(new TextDecoder().decode(recordBytes('ctx:v1\n', ['a', 1, null])), 'ctx:v1\n["a",1,null]')
})

test('refuses a signature by another key, for another kind, or not in strict base64url', async () => {
  const fields = ['x', 1]
  const sig = await signRecord(key, 'a:v1\n', fields)
  assert.equal(await verifyRecord(ME, 'a:v1\n', fields, sig), true)
  assert.equal(await verifyRecord(YOU, 'a:v1\n', fields, sig), false, 'cached keys must not be confused')
  assert.equal(await verifyRecord(ME, 'b:v1\n', fields, sig), false, 'another context')
  assert.equal(await verifyRecord(ME, 'a:v1\n', ['x', 2], sig), false, 'other fields')
  assert.equal(await verifyRecord(ME, 'a:v1\n', fields, sig.slice(0, 10) + '!' + sig.slice(10)), false, 'stray character')
  assert.equal(await verifyRecord('not-a-peer-id', 'a:v1\n', fields, sig), false)
  assert.equal(await verifyRecord(otherKey.publicKey, 'a:v1\n', fields, await signRecord(otherKey, 'a:v1\n', fields)), true)
  assert.equal(await verifyRecord(key.publicKey, 'a:v1\n', fields, await signRecord(otherKey, 'a:v1\n', fields)), false)
})

// The node's Ed25519 key on disk: created once (0600 inside a 0700 folder), never overwritten,
// refused when others can read it. The PeerId is derived from it, so it is the node's address.
import { codeOf, messageOf } from '../caught.ts'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { DataDirExposedError, KeyFileCorruptError, KeyFileExposedError } from './errors.ts'

export const KEY_FILE_NAME = 'identity.key'

export interface LoadedKey {
  privateKey: PrivateKey
  /** True when this call made the key (first start). */
  created: boolean
  path: string
}

/**
 * Create the data directory owner-only if it is missing; refuse one that others can enter or read
 * (it holds the trust store, ratings, audit log and control socket), with the chmod that fixes it.
 * Refused rather than changed: the folder may be one the operator chose for other uses too.
 */
export async function ensureDataDir (dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const { mode } = await stat(dataDir)
  if ((mode & 0o077) !== 0) throw new DataDirExposedError(resolve(dataDir), mode)
}

export async function loadOrCreateKey (dataDir: string): Promise<LoadedKey> {
  await ensureDataDir(dataDir)
  const path = join(dataDir, KEY_FILE_NAME)
  const existing = await readKeyFile(path)
  if (existing != null) return { privateKey: existing, created: false, path }

  const privateKey = await generateKeyPair('Ed25519')
  try {
    // `wx` fails if the file appeared meanwhile, so two racing first starts never replace a key.
    await writeFile(path, privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    // Another first start wrote its key between our read and write: use that one.
    const raced = codeOf(err) === 'EEXIST' ? await readKeyFile(path) : undefined
    if (raced != null) return { privateKey: raced, created: false, path }
    throw err
  }
  return { privateKey, created: true, path }
}

/** Read and check a key file; undefined if there is none. */
export async function readKeyFile (path: string): Promise<PrivateKey | undefined> {
  let mode: number
  try {
    mode = (await stat(path)).mode
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined
    throw err
  }
  if ((mode & 0o077) !== 0) throw new KeyFileExposedError(path, mode)
  const bytes = await readFile(path)
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new KeyFileCorruptError(path, messageOf(err))
  }
  if (key.type !== 'Ed25519') throw new KeyFileCorruptError(path, `key type is ${key.type}, agentwire uses Ed25519`)
  return key
}

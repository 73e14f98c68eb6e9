/**
 * The node's identity: one Ed25519 key in `<dataDir>/identity.key`.
 *
 * @example
 * ```ts
 * import { loadOrCreateKey } from './identity/index.ts'
 * import { peerIdFromPrivateKey } from '@libp2p/peer-id'
 * const { privateKey } = await loadOrCreateKey('/var/lib/agentwire')
 * console.log(peerIdFromPrivateKey(privateKey).toString())
 * ```
 */
export { loadOrCreateKey, readKeyFile, ensureDataDir, KEY_FILE_NAME, type LoadedKey } from './key-file.ts'
export { DataDirExposedError, KeyFileCorruptError, KeyFileExposedError } from './errors.ts'

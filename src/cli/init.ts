// `agentwire init`: write a config and a key for a new node, start nothing.
import { join, resolve } from 'node:path'
import { writeFile } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { stringify } from 'yaml'
import { loadOrCreateKey } from '../identity/index.ts'
import { validateConfig } from '../config/index.ts'
import { AgentwireError } from '../errors.ts'

export interface InitOptions { dataDir: string, name?: string, listen?: string[] }

export async function initNode (options: InitOptions): Promise<{ configPath: string, peerId: string, dataDir: string }> {
  const dataDir = resolve(options.dataDir)
  const config = {
    ...(options.name != null ? { name: options.name } : {}),
    dataDir: '.',
    listen: options.listen ?? ['/ip4/0.0.0.0/tcp/0']
  }
  validateConfig(config, dataDir, 'the new config') // refuse a bad --name or --listen before writing anything
  const { privateKey } = await loadOrCreateKey(dataDir)
  const configPath = join(dataDir, 'config.yaml')
  try {
    await writeFile(configPath, `# agentwire node config; every key is documented in README.md ("Config file")\n${stringify(config)}`, { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AgentwireError('CONFIG_EXISTS', `${configPath} already exists`, 'edit it, or choose another --data-dir')
    throw err
  }
  return { configPath, peerId: peerIdFromPrivateKey(privateKey).toString(), dataDir }
}

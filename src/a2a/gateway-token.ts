// The gateway's bearer token: random, per data dir, created once with mode 0600 and refused if others
// can read it (like the key file). Whoever can read it can act as this node through the gateway.
import { randomBytes } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GATEWAY_TOKEN_FILE } from './constants.ts'
import { GatewayConfigError } from './errors.ts'
import { codeOf } from '../caught.ts'

/** Shortest token accepted from a hand-made file, in characters. */
const MIN_TOKEN_CHARS = 32

export async function loadGatewayToken (dataDir: string): Promise<{ token: string, path: string }> {
  const path = join(dataDir, GATEWAY_TOKEN_FILE)
  let mode: number
  try {
    mode = (await stat(path)).mode
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw err
    const token = randomBytes(32).toString('base64url')
    await writeFile(path, token + '\n', { mode: 0o600, flag: 'wx' })
    return { token, path }
  }
  if ((mode & 0o077) !== 0) {
    throw new GatewayConfigError('GATEWAY_TOKEN_EXPOSED', `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}): they could act as this node through the gateway`, `chmod 600 ${path}`)
  }
  const token = (await readFile(path, 'utf8')).trim()
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
    throw new GatewayConfigError('GATEWAY_TOKEN_WEAK', `${path} holds no usable token (at least ${MIN_TOKEN_CHARS} characters, no spaces)`, `delete ${path} and the node writes a new one at start`)
  }
  return { token, path }
}

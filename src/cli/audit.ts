// `agentwire audit`: reads the log file directly, so it works after the daemon has stopped or crashed.
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { readAuditEntries, verifyAuditLog } from '../audit/index.ts'
import { readKeyFile, KEY_FILE_NAME } from '../identity/index.ts'
import { AgentwireError } from '../errors.ts'

export interface AuditOptions { peer?: string, since?: string, limit?: number, verify?: boolean }

const RELATIVE = /^(\d+)\s*(s|m|h|d)$/
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseSince (text: string, now = Date.now()): Date {
  const rel = RELATIVE.exec(text.trim())
  if (rel != null) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2]])
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new AgentwireError('BAD_TIME', `--since "${text}" is not a time`, 'use ISO 8601 (2026-11-25T10:00:00Z) or a span such as 10m, 2h, 1d')
  return date
}

export async function auditCommand (dataDir: string, options: AuditOptions): Promise<{ result: unknown, ok: boolean }> {
  if (options.verify === true) {
    const key = await readKeyFile(join(dataDir, KEY_FILE_NAME))
    if (key == null) throw new AgentwireError('NO_IDENTITY', `no ${KEY_FILE_NAME} in ${dataDir}, so the log's anchor cannot be checked`, 'point --data-dir (or --config) at the node\'s data directory')
    const result = await verifyAuditLog(dataDir, peerIdFromPrivateKey(key).toString())
    return { result, ok: result.ok }
  }
  if (options.limit != null && (!Number.isSafeInteger(options.limit) || options.limit < 1)) throw new AgentwireError('BAD_LIMIT', '--limit must be a positive whole number')
  const entries = await readAuditEntries(dataDir, {
    ...(options.peer != null ? { peer: options.peer } : {}),
    ...(options.since != null ? { since: parseSince(options.since) } : {}),
    ...(options.limit != null ? { limit: options.limit } : {})
  })
  return { result: entries, ok: true }
}

// `agentwire audit`: reads the log file directly, so it works after the daemon has stopped or crashed.
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { checkCheckpoint, readAuditEntries, verifyAuditLog, type AuditEntry, type VerifyResult } from '../audit/index.ts'
import { callDaemon } from '../control/client.ts'
import { readKeyFile, KEY_FILE_NAME } from '../identity/index.ts'
import { AgentwireError } from '../errors.ts'

export interface AuditOptions { peer?: string, since?: string, limit?: number, verify?: boolean, witnesses?: boolean }

/** One witness's verdict on our log: every checkpoint it keeps must still be in it, unchanged. */
export interface WitnessVerdict { peer: string, checked: number, ok: boolean, newestSeq?: number, reason?: string }

const RELATIVE = /^(\d+)\s*(s|m|h|d)$/
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseSince (text: string, now = Date.now()): Date {
  const rel = RELATIVE.exec(text.trim())
  if (rel != null) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2]])
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new AgentwireError('BAD_TIME', `--since "${text}" is not a time`, 'use ISO 8601 (2026-11-25T10:00:00Z) or a span such as 10m, 2h, 1d')
  return date
}

/** What `audit --verify` prints: the chain's verdict and, with --witnesses, each witness's. */
export type AuditVerifyReport = VerifyResult & { witnesses?: WitnessVerdict[], witnessReason?: string }

export async function auditCommand (dataDir: string, options: AuditOptions): Promise<{ result: AuditVerifyReport | AuditEntry[], ok: boolean }> {
  if (options.verify === true) {
    const key = await readKeyFile(join(dataDir, KEY_FILE_NAME))
    if (key == null) throw new AgentwireError('NO_IDENTITY', `no ${KEY_FILE_NAME} in ${dataDir}, so the log's anchor cannot be checked`, 'point --data-dir (or --config) at the node\'s data directory')
    const peerId = peerIdFromPrivateKey(key).toString()
    const result = await verifyAuditLog(dataDir, peerId)
    if (options.witnesses !== true) return { result, ok: result.ok }
    // The log and its head may both have been rewritten by someone holding the data dir (and so
    // the key); the copies our trusted peers keep were out of their reach.
    const answers = await callDaemon(dataDir, 'audit.witnesses')
    const witnesses: WitnessVerdict[] = []
    for (const answer of answers) {
      if (answer.error != null) { witnesses.push({ peer: answer.peer, checked: 0, ok: false, reason: `could not be asked: ${answer.error}` }); continue }
      let verdict: WitnessVerdict = { peer: answer.peer, checked: 0, ok: true }
      for (const checkpoint of answer.checkpoints) {
        const check = await checkCheckpoint(dataDir, peerId, checkpoint)
        verdict = { ...verdict, checked: verdict.checked + 1, newestSeq: Math.max(verdict.newestSeq ?? 0, checkpoint.seq) }
        if (!check.ok && verdict.ok) verdict = { ...verdict, ok: false, reason: check.reason ?? 'checkpoint does not match' }
      }
      witnesses.push(verdict)
    }
    const vouched = witnesses.filter(w => w.ok && w.checked > 0).length
    const contradicted = witnesses.some(w => !w.ok && w.checked > 0)
    const ok = result.ok && !contradicted && vouched > 0
    return {
      result: { ...result, ok, witnesses, ...(vouched === 0 && !contradicted ? { witnessReason: 'no trusted peer holds a checkpoint of this log yet (witnesses are connected, mutually trusted peers; heads are sent every trust.witnessIntervalMs)' } : {}) },
      ok
    }
  }
  if (options.limit != null && (!Number.isSafeInteger(options.limit) || options.limit < 1)) throw new AgentwireError('BAD_LIMIT', '--limit must be a positive whole number')
  const entries = await readAuditEntries(dataDir, {
    ...(options.peer != null ? { peer: options.peer } : {}),
    ...(options.since != null ? { since: parseSince(options.since) } : {}),
    ...(options.limit != null ? { limit: options.limit } : {})
  })
  return { result: entries, ok: true }
}

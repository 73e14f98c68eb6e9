/**
 * The tamper-evident audit log (`<dataDir>/audit.log`).
 *
 * @example
 * ```ts
 * const { log } = await AuditLog.open(dataDir, peerId)
 * await log.append('trust.approve', { peer: '12D3KooW…' })
 * console.log(await verifyAuditLog(dataDir, peerId)) // { ok: true, entries: 1 }
 * ```
 */
export { AuditLog, verifyAuditLog, readAuditEntries, genesisHash, AUDIT_FILE, type AuditEntry, type AuditQuery, type VerifyResult } from './audit-log.ts'

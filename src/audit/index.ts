/**
 * The tamper-evident audit log (`<dataDir>/audit.log`).
 *
 * @example
 * ```ts
 * const { log } = await AuditLog.open(dataDir, peerId, { sign: data => privateKey.sign(data) })
 * await log.append('trust.approve', { peer: '12D3KooW…' })
 * console.log(await verifyAuditLog(dataDir, peerId)) // { ok: true, entries: 1 }
 * ```
 */
export {
  AuditLog, verifyAuditLog, readAuditEntries, genesisHash, signHead, verifyHead, isSignedHead, checkCheckpoint, AUDIT_FILE, AUDIT_HEAD_FILE,
  type AuditEntry, type AuditQuery, type VerifyResult, type SignedHead, type HeadSigner, type AuditLogOptions
} from './audit-log.ts'

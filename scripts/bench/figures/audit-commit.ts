// What the audit line every A2A call writes before its answer costs: µs of wall time per append
// with 8 appends in flight (the a2a-throughput figure's load), beside one append at a time, and how
// many appends share each fdatasync (group commit). A real AuditLog on the data disk, signed heads on.
import { mkdtemp, rm } from 'node:fs/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Figure } from '../lib/figure.ts'
import { round } from '../lib/stats.ts'
import { AuditLog } from '../../../src/audit/audit-log.ts'

/** An a2a.call line as the server writes it (payloads: none). */
const FIELDS = {
  peer: '12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7',
  method: 'SendMessage',
  envelope: { from: '12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7', to: '12D3KooWSrKnMZUcSxK8G7wmBbXdU8nFEfWGhLu6H8xjn8LmCSJb', nonce: '0'.repeat(32), ts: 0, bodyHash: '0'.repeat(64), sig: '0'.repeat(86) }
}

export const figure: Figure = {
  name: 'audit-commit',
  unit: 'µs/call',
  baseline: 'one append at a time (one fdatasync each)',
  goal: null,
  run: async (ctx) => {
    const appends = ctx.quick ? 400 : 2000
    // Not /tmp: it may be a tmpfs, where fdatasync costs nothing.
    const dir = await mkdtemp('/var/tmp/awb-audit-')
    const key = await generateKeyPair('Ed25519')
    const { log } = await AuditLog.open(dir, peerIdFromPrivateKey(key).toString(), { sign: data => key.sign(data) })
    try {
      // Count the flushes: the log's file handle is private, so wrap its datasync here.
      const handle = (log as any).handle
      let syncs = 0
      const datasync = handle.datasync.bind(handle)
      handle.datasync = async () => { syncs++; return await datasync() }
      const measure = async (inFlight: number, count: number): Promise<{ us: number, perSync: number }> => {
        syncs = 0
        const t0 = performance.now()
        for (let done = 0; done < count && !ctx.signal.aborted; done += inFlight) {
          await Promise.all(Array.from({ length: inFlight }, async () => await log.append('a2a.call', FIELDS)))
        }
        return { us: (performance.now() - t0) * 1000 / count, perSync: count / Math.max(syncs, 1) }
      }
      await measure(8, 80)
      const serial = await measure(1, appends / 4)
      const eight = await measure(8, appends)
      const many = await measure(64, appends)
      ctx.log(`per append: ${round(serial.us)} µs alone, ${round(eight.us)} µs at 8 in flight (${round(eight.perSync)} per fdatasync), ${round(many.us)} µs at 64 (${round(many.perSync)} per fdatasync)`)
      return {
        value: eight.us,
        baselineValue: serial.us,
        details: { appendsPerSyncAt8: round(eight.perSync), at64us: round(many.us), appendsPerSyncAt64: round(many.perSync) }
      }
    } finally {
      await log.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

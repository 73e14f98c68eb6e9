// The append-only audit log: one JSON line per event, each carrying the SHA-256 of the line before
// (the first is anchored to the node's PeerId), so editing, inserting or deleting any line breaks
// the chain that `agentwire audit --verify` walks. Lines are flushed to disk (fdatasync) before the
// action they record is acknowledged. No libp2p imports: `audit` works with the daemon stopped.
import { open, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'

export const AUDIT_FILE = 'audit.log'
/** The chain head `{seq, hash}` written at every clean close: what lets --verify catch an edit of the last line. */
export const AUDIT_HEAD_FILE = 'audit.head'

/** How much of the file's end we read at open to find the last line (lines are far smaller). */
const TAIL_BYTES = 256 * 1024

export interface AuditEntry {
  seq: number
  ts: string
  event: string
  peer?: string
  prev: string
  [field: string]: unknown
}

export function genesisHash (peerId: string): string {
  return sha256(`agentwire-audit:${peerId}`)
}

function sha256 (text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export interface RepairReport { tornBytes: number, savedTo: string }

export class AuditLog {
  readonly path: string
  private readonly peerId: string
  private handle: FileHandle | undefined
  private lastHash: string
  private seq = 0
  private queue: Promise<unknown> = Promise.resolve()
  /** Highest seq known to be on disk, and the fdatasync in flight, for group commit. */
  private synced = 0
  private syncing: Promise<void> | undefined
  /** Told of every entry once it is on disk: metrics and `status` count events from here. */
  private readonly listeners: Array<(entry: AuditEntry) => void> = []

  private constructor (path: string, peerId: string) {
    this.path = path
    this.peerId = peerId
    this.lastHash = genesisHash(peerId)
  }

  /**
   * Open for appending. A torn last line (a crash mid-write) is moved aside into a
   * `audit.log.torn-<time>` file and recorded as an `audit.repaired` event: reported, never dropped.
   */
  static async open (dataDir: string, peerId: string): Promise<{ log: AuditLog, repaired?: RepairReport }> {
    const log = new AuditLog(join(dataDir, AUDIT_FILE), peerId)
    const repaired = await log.repairTail()
    log.handle = await open(log.path, 'a', 0o600)
    if (repaired != null) await log.append('audit.repaired', { tornBytes: repaired.tornBytes, savedTo: repaired.savedTo })
    return { log, ...(repaired != null ? { repaired } : {}) }
  }

  private async repairTail (): Promise<RepairReport | undefined> {
    let size: number
    try {
      size = (await stat(this.path)).size
    } catch (err: any) {
      if (err.code === 'ENOENT') return undefined
      throw err
    }
    if (size === 0) return undefined
    const fh = await open(this.path, 'r+')
    try {
      const start = Math.max(0, size - TAIL_BYTES)
      const buf = Buffer.alloc(size - start)
      await fh.read(buf, 0, buf.length, start)
      const text = buf.toString('utf8')
      let end = text.length
      let torn: string | undefined
      if (!text.endsWith('\n')) {
        const cut = text.lastIndexOf('\n') + 1
        torn = text.slice(cut)
        end = cut
      }
      const lines = text.slice(0, end).split('\n').filter(l => l !== '')
      const last = lines[lines.length - 1]
      if (last != null && (start === 0 || lines.length > 1)) {
        const entry = JSON.parse(last) as AuditEntry
        this.seq = entry.seq
        this.synced = entry.seq // already on disk
        this.lastHash = sha256(last)
      }
      if (torn == null) return undefined
      const savedTo = `${this.path}.torn-${Date.now()}`
      const tornBytes = Buffer.byteLength(torn)
      await writeFile(savedTo, torn, { flag: 'wx', mode: 0o600 })
      await fh.truncate(size - tornBytes)
      await fh.datasync()
      return { tornBytes, savedTo }
    } finally {
      await fh.close()
    }
  }

  /**
   * Append one event; resolves once it is on disk. Writes are serialised to keep the chain; the
   * flush to disk is shared: appends that arrive while one fdatasync runs are made durable by the
   * next one together (group commit), so concurrent calls do not queue for a sync each.
   */
  async append (event: string, fields: Record<string, unknown> = {}): Promise<AuditEntry> {
    const run = this.queue.then(async () => {
      if (this.handle == null) throw new Error('audit log is closed')
      const entry: AuditEntry = { seq: this.seq + 1, ts: new Date().toISOString(), event, ...fields, prev: this.lastHash }
      const line = JSON.stringify(entry)
      await this.handle.write(line + '\n')
      this.seq = entry.seq
      this.lastHash = sha256(line)
      return entry
    })
    this.queue = run.catch(() => {})
    const entry = await run
    await this.flushThrough(entry.seq)
    for (const listener of this.listeners) listener(entry)
    return entry
  }

  /** Resolve once every line up to `seq` has been through an fdatasync. */
  private async flushThrough (seq: number): Promise<void> {
    while (this.synced < seq) {
      if (this.syncing == null) {
        const upTo = this.seq
        this.syncing = (this.handle?.datasync() ?? Promise.resolve()).then(() => { this.synced = Math.max(this.synced, upTo) }).finally(() => { this.syncing = undefined })
      }
      await this.syncing
    }
  }

  onAppend (listener: (entry: AuditEntry) => void): void {
    this.listeners.push(listener)
  }

  async close (): Promise<void> {
    await this.queue
    await this.syncing
    if (this.handle == null) return
    await this.handle.close()
    this.handle = undefined
    await writeFile(join(this.path, '..', AUDIT_HEAD_FILE), JSON.stringify({ seq: this.seq, hash: this.lastHash }) + '\n', { mode: 0o600 })
  }
}

export interface VerifyResult {
  ok: boolean
  entries: number
  /** 1-based line number of the first line that breaks the chain. */
  brokenLine?: number
  reason?: string
}

/** Walk the whole chain. Needs the PeerId to check the anchor of the first line. */
export async function verifyAuditLog (dataDir: string, peerId: string): Promise<VerifyResult> {
  const text = await readAudit(dataDir)
  if (text === '') return { ok: true, entries: 0 }
  const lines = text.split('\n')
  const torn = lines.pop() // '' when the file ends with a newline
  let prev = genesisHash(peerId)
  let count = 0
  for (let i = 0; i < lines.length; i++) {
    let entry: AuditEntry
    try {
      entry = JSON.parse(lines[i])
    } catch {
      return { ok: false, entries: count, brokenLine: i + 1, reason: 'not valid JSON' }
    }
    if (entry.prev !== prev) return { ok: false, entries: count, brokenLine: i + 1, reason: i === 0 ? 'first line is not anchored to this node\'s PeerId' : 'hash of the previous line does not match (a line was edited, inserted or deleted)' }
    if (entry.seq !== i + 1) return { ok: false, entries: count, brokenLine: i + 1, reason: `sequence number ${entry.seq} out of order` }
    prev = sha256(lines[i])
    count++
  }
  if (torn != null && torn !== '') return { ok: false, entries: count, brokenLine: lines.length + 1, reason: `torn last line (${Buffer.byteLength(torn)} bytes, a crash mid-write); the daemon moves it aside and records the repair at its next start` }
  // The chain cannot vouch for its own last line; the head saved at the last clean stop can.
  const head = await readHead(dataDir)
  if (head != null && head.seq > count) {
    return { ok: false, entries: count, brokenLine: count + 1, reason: `the log ends at entry ${count}, but held ${head.seq} at the last clean stop (entries were removed from the end)` }
  }
  if (head != null && head.seq >= 1 && head.seq <= count && sha256(lines[head.seq - 1]) !== head.hash) {
    return { ok: false, entries: head.seq - 1, brokenLine: head.seq, reason: 'line does not match the chain head saved at the last clean stop (it was edited)' }
  }
  return { ok: true, entries: count }
}

export interface AuditQuery { peer?: string, since?: Date, limit?: number }

/** Entries matching a query, oldest first; `limit` keeps the newest N. */
export async function readAuditEntries (dataDir: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const text = await readAudit(dataDir)
  const entries: AuditEntry[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    let entry: AuditEntry
    try { entry = JSON.parse(line) } catch { continue } // a torn tail is reported by --verify
    if (query.peer != null && entry.peer !== query.peer) continue
    if (query.since != null && new Date(entry.ts) < query.since) continue
    entries.push(entry)
  }
  return query.limit != null ? entries.slice(-query.limit) : entries
}

async function readHead (dataDir: string): Promise<{ seq: number, hash: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, AUDIT_HEAD_FILE), 'utf8'))
  } catch {
    return undefined
  }
}

async function readAudit (dataDir: string): Promise<string> {
  try {
    return await readFile(join(dataDir, AUDIT_FILE), 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') return ''
    throw err
  }
}

// The node's persistent store: one LevelDB in <dataDir>/datastore for libp2p (peer store, DHT
// records) and for our own state. LevelDB's lock file doubles as the "one daemon per data dir" lock:
// the kernel drops it when the process dies, even on SIGKILL, so a crash never leaves a stale lock.
import { join } from 'node:path'
import { readFile, writeFile, rm } from 'node:fs/promises'
import { Level } from 'level'
import { LevelDatastore } from 'datastore-level'
import { DataDirLockedError } from './errors.ts'
import { codeOf } from '../caught.ts'

export const DATASTORE_DIR = 'datastore'
export const PID_FILE = 'daemon.pid'

export async function openDatastore (dataDir: string): Promise<LevelDatastore> {
  const db = new Level<string, Uint8Array>(join(dataDir, DATASTORE_DIR), { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    // `compression` is a classic-level (LevelDB) option that abstract-level's types do not list.
    await db.open({ createIfMissing: true, compression: false } as Parameters<typeof db.open>[0])
  } catch (err) {
    if (codeOf((err as { cause?: unknown }).cause) === 'LEVEL_LOCKED') throw new DataDirLockedError(dataDir, await readPid(dataDir))
    throw err
  }
  const store = new LevelDatastore(db)
  await store.open()
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o600 })
  return store
}

export async function closeDatastore (dataDir: string, store: LevelDatastore): Promise<void> {
  await store.close()
  await rm(join(dataDir, PID_FILE), { force: true })
}

async function readPid (dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(dataDir, PID_FILE), 'utf8'), 10)
    return Number.isFinite(pid) ? pid : undefined
  } catch {
    return undefined // no pid file: the other process is a daemon of an older version, or not one
  }
}

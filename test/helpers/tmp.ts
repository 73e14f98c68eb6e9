// Short temporary folders: Unix socket paths must stay under 108 bytes.
import { mkdtemp, rm } from 'node:fs/promises'

const made: string[] = []

export async function tempDir (prefix = 'aw-'): Promise<string> {
  const dir = await mkdtemp(`/tmp/${prefix}`)
  made.push(dir)
  return dir
}

export async function removeTempDirs (): Promise<void> {
  await Promise.all(made.splice(0).map(dir => rm(dir, { recursive: true, force: true })))
}

import { AgentwireError } from '../errors.ts'

export class KeyFileExposedError extends AgentwireError {
  static override name = 'KeyFileExposedError'
  constructor (path: string, mode: number) {
    super('KEY_FILE_EXPOSED', `key file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); anyone who reads it can impersonate this node`, `run: chmod 600 ${path}`)
    this.name = 'KeyFileExposedError'
  }
}

export class KeyFileCorruptError extends AgentwireError {
  static override name = 'KeyFileCorruptError'
  constructor (path: string, reason: string) {
    super('KEY_FILE_CORRUPT', `key file ${path} is not a valid libp2p Ed25519 private key (${reason})`, 'restore it from a backup; deleting it creates a new key and therefore a NEW PeerId that peers will not recognise')
    this.name = 'KeyFileCorruptError'
  }
}

export class DataDirExposedError extends AgentwireError {
  static override name = 'DataDirExposedError'
  constructor (path: string, mode: number) {
    super('DATA_DIR_EXPOSED', `data directory ${path} is open to group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); its trust records, ratings, audit log and control socket would be readable by other local users`, `run: chmod 700 ${path}`)
    this.name = 'DataDirExposedError'
  }
}
